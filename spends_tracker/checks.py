"""System checks that turn configuration mistakes into readable messages (ids `spends.*`)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from receipts.mailbox import MailboxMisconfigured, mailbox_address
from spends_tracker.security import static_manifest_exists


@register(Tags.compatibility)
def check_configuration(app_configs, **kwargs):
    """Report the problems settings.py found while reading the environment."""
    return [
        Error(message, hint=hint or None, id=check_id)
        for check_id, message, hint in getattr(settings, "SPENDS_CONFIG_ERRORS", [])
    ]


@register(Tags.compatibility)
def check_mailbox_address(app_configs, **kwargs):
    """Report a SPENDS_IMAP_URL the scheduler could not read forwarded e-mails at."""
    if not settings.SPENDS_IMAP_URL:
        return []
    try:
        mailbox_address(settings.SPENDS_IMAP_URL)
    except MailboxMisconfigured as error:
        return [
            Error(
                str(error),
                hint="Correct SPENDS_IMAP_URL (or SPENDS_IMAP_URL_FILE), or unset it to turn "
                "forwarded order e-mails off.",
                id="spends.E014",
            )
        ]
    return []


@register(Tags.files)
def check_writable_directories(app_configs, **kwargs):
    """Create the data, uploads and backups folders if missing; report any we cannot write to."""
    errors = []
    for variable, directory in settings.SPENDS_WRITABLE_DIRS.items():
        path = Path(directory)
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            errors.append(
                Error(
                    f"{variable} ({path}) does not exist and cannot be created: {exc.strerror}.",
                    hint=f"Create it, or point {variable} at a writable folder.",
                    id="spends.E006",
                )
            )
            continue
        if not os.access(path, os.W_OK | os.X_OK):
            errors.append(
                Error(
                    f"{variable} ({path}) is not writable by this process.",
                    hint="Fix its owner or permissions, or point the variable elsewhere.",
                    id="spends.E007",
                )
            )
    return errors


@register(Tags.security)
def check_open_api(app_configs, **kwargs):
    if not settings.SPENDS_API_OPEN:
        return []
    return [
        Warning(
            "SPENDS_API_OPEN is on: anyone who can reach this server can read and change all data "
            "through /api without logging in.",
            hint="Use it only for a single-user install on a trusted network; otherwise unset it "
            "and give scripts a personal API token.",
            id="spends.W001",
        )
    ]


@register(Tags.staticfiles, deploy=True)
def check_static_files_collected(app_configs, **kwargs):
    """Warn when production settings would serve pages without collected static files."""
    if settings.DEBUG or static_manifest_exists():
        return []
    return [
        Warning(
            f"Static files have not been collected into STATIC_ROOT ({settings.STATIC_ROOT}): "
            "pages would load without their styles and scripts.",
            hint="Run `manage.py collectstatic --no-input` (the container image does it at build).",
            id="spends.W002",
        )
    ]
