# The backup archive format, BackupRecord and the backup jobs arrive with the backups feature.
