# BackupRecord is registered here once the backups feature defines it.
