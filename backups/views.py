import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext_lazy

from backups.jobs import job_active
from backups.models import BackupConfig, Frequency, Location
from backups.selectors import backup_config_info, backup_last_completed, backup_list
from interchange.formats import CSV_COLUMNS
from interchange.mapping import DATE_FORMATS, DISCARD, FIELDS, MULTIPLE, REQUIRED
from kernel.heartbeats import background_context

# Older backups stay reachable through the API and the admin; the page shows the recent ones.
LISTED_BACKUPS = 50


# How long ago, per unit: a whole phrase each, since languages put "ago" in different places
# ("vor 2 Tagen", "il y a 2 jours"). Django's timesince picks the unit and the count.
_AGO = {
    "year": ngettext_lazy("%(num)d year ago", "%(num)d years ago", "num"),
    "month": ngettext_lazy("%(num)d month ago", "%(num)d months ago", "num"),
    "week": ngettext_lazy("%(num)d week ago", "%(num)d weeks ago", "num"),
    "day": ngettext_lazy("%(num)d day ago", "%(num)d days ago", "num"),
    "hour": ngettext_lazy("%(num)d hour ago", "%(num)d hours ago", "num"),
    "minute": ngettext_lazy("%(num)d minute ago", "%(num)d minutes ago", "num"),
}


def _age(moment) -> str:
    """'2 days ago', 'just now': how long ago MOMENT was, to the largest unit."""
    if timezone.now() - moment < datetime.timedelta(minutes=1):
        return gettext("just now")
    return timesince(moment, depth=1, time_strings=_AGO)


# The day the date formats of the import's column mapping are shown with ("DD.MM.YYYY: 14.03.2025").
_EXAMPLE_DAY = datetime.date(2025, 3, 14)


def _mapping_choices() -> dict:
    """What the import's column mapping offers: the fields a column can fill ("" keeps it in the
    notes, "discard" leaves it out), the date formats with an example each, and what the page
    checks before a preview (docs/importing.md, "The mapping step")."""
    fields = [("", gettext("Keep in notes"))]
    fields += [(name, str(label)) for name, label in FIELDS.items() if name != DISCARD]
    fields.append((DISCARD, str(FIELDS[DISCARD])))
    return {
        "fields": fields,
        "date_formats": [
            (name, f"{name} ({_EXAMPLE_DAY.strftime(pattern)})")
            for name, pattern in DATE_FORMATS.items()
        ],
    }


def data_management(request):
    """Export, import, backups and the reset, with the stored backups listed at first paint."""
    backups = list(backup_list()[: LISTED_BACKUPS + 1])
    last = backup_last_completed()
    active = job_active()
    return render(
        request,
        "backups/data_management.html",
        {
            "backups": backups[:LISTED_BACKUPS],
            "more_backups": len(backups) > LISTED_BACKUPS,
            "last_backup": last,
            "last_backup_age": _age(last.created_at) if last else "",
            **background_context(),
            "frequencies": Frequency.choices,
            "locations": Location.choices,
            "mapping": _mapping_choices(),
            "page_data": {
                "mapping": {
                    "labels": {name: str(label) for name, label in FIELDS.items()},
                    "required": list(REQUIRED),
                    "multiple": sorted(MULTIPLE),
                    "own_csv_columns": CSV_COLUMNS,
                },
                "config": backup_config_info(BackupConfig.current()),
                "active_job": {"id": str(active.pk), "kind": active.kind} if active else None,
            },
        },
    )
