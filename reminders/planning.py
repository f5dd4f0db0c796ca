"""Planning the day's reminders and recording them (steps 1 and 2 of `reminders.services`).

The plan writes nothing; recording one person's digest is one transaction, which a concurrent
run recording the same digest first makes fail as a whole.
"""

import dataclasses
import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from kernel import clock
from reminders.channels import reminder_channels
from reminders.digests import digest_entry
from reminders.models import (
    DeadlineKind,
    ReminderDelivery,
    ReminderDigest,
    ReminderPreferences,
    ReminderSent,
)
from reminders.selectors import Deadline, deadline_queryset


@dataclasses.dataclass
class PlannedDigest:
    """What one person is due to be reminded of today, before it is recorded."""

    user: AbstractBaseUser
    channels: list[str]
    entries: list[dict]
    records: list[tuple[str, str, datetime.date, int]]  # kind, source id, deadline, threshold


@dataclasses.dataclass
class ReminderPlan:
    today: datetime.date
    digests: list[PlannedDigest]
    unreachable: list[PlannedDigest]  # due, but no channel reaches the person
    already_today: int  # people whose digest of today exists


def _preferences_by_person(people) -> dict:
    """Each person's reminder preferences, the defaults for those who never set any."""
    preferences = {}
    for person in people:
        try:
            preferences[person.pk] = person.reminder_preferences
        except ReminderPreferences.DoesNotExist:
            preferences[person.pk] = ReminderPreferences(user=person)
    return preferences


# A claim's follow-up is reminded once, on its day or, if no digest went that day (the claim was
# entered late, the scheduler was stopped), on a later day within this many days.
CLAIM_FOLLOW_UP_DAYS_LATE = 30
# The threshold a claim follow-up is recorded with: the day itself.
ON_THE_DAY = 0


def _deadlines_wanted(wanted: list[ReminderPreferences], today: datetime.date) -> list[Deadline]:
    """The deadlines of the widest window and every kind that anyone in WANTED asked for; for
    claim follow-ups, those whose day has come (up to CLAIM_FOLLOW_UP_DAYS_LATE days ago)."""
    horizon = max(max(prefs.thresholds) for prefs in wanted)
    kinds = sorted({kind for prefs in wanted for kind in prefs.kinds})
    ahead = [kind for kind in kinds if kind != DeadlineKind.CLAIM]
    rows = []
    if ahead:
        end = today + datetime.timedelta(days=horizon)
        rows += deadline_queryset(start=today, end=end, kinds=ahead, today=today)
    if DeadlineKind.CLAIM in kinds:
        start = today - datetime.timedelta(days=CLAIM_FOLLOW_UP_DAYS_LATE)
        rows += deadline_queryset(start=start, end=today, kinds=[DeadlineKind.CLAIM], today=today)
    return [Deadline.from_row(row) for row in rows]


def _thresholds_recorded(today: datetime.date) -> set[tuple]:
    """(person, kind, source id, deadline, threshold) of every reminder recorded for a deadline
    from TODAY on (and the claim follow-ups of the late window)."""
    since = today - datetime.timedelta(days=CLAIM_FOLLOW_UP_DAYS_LATE)
    return {
        (user_id, kind, str(source_id), deadline, threshold)
        for user_id, kind, source_id, deadline, threshold in ReminderSent.objects.filter(
            deadline__gte=since
        ).values_list("user_id", "kind", "source_id", "deadline", "threshold")
    }


def _thresholds_reached(deadline: Deadline, prefs, today: datetime.date) -> list[int]:
    """The thresholds of PREFS that DEADLINE has reached on TODAY (a claim follow-up: the day)."""
    days_left = deadline.days_left(today)
    if deadline.kind == DeadlineKind.CLAIM:
        return [ON_THE_DAY] if days_left <= 0 else []
    return [threshold for threshold in prefs.thresholds if days_left <= threshold]


def _digest_planned(person, prefs, deadlines, recorded, today: datetime.date) -> PlannedDigest:
    """PERSON's digest of TODAY: each deadline with the thresholds it reached, not yet RECORDED."""
    planned = PlannedDigest(user=person, channels=reminder_channels(prefs), entries=[], records=[])
    for deadline in deadlines:
        if deadline.kind not in prefs.kinds:
            continue
        source = str(deadline.source_id)
        reached = [
            threshold
            for threshold in _thresholds_reached(deadline, prefs, today)
            if (person.pk, deadline.kind, source, deadline.due_date, threshold) not in recorded
        ]
        if reached:
            planned.entries.append(digest_entry(deadline, sorted(reached, reverse=True)))
            planned.records.extend(
                (deadline.kind, source, deadline.due_date, threshold) for threshold in reached
            )
    return planned


def reminder_plan(*, today: datetime.date | None = None) -> ReminderPlan:
    """Return what each active person is due to be reminded of on TODAY; write nothing.

    Three queries whatever the number of deadlines (four when someone wants claim follow-ups):
    the people with their preferences, the deadlines of the widest window anyone asked for (and
    the follow-ups due), and the thresholds already recorded.
    """
    today = today or clock.today()
    people = list(
        get_user_model()
        .objects.filter(is_active=True)
        .select_related("reminder_preferences")
        .order_by("pk")
    )
    preferences = _preferences_by_person(people)
    wanted = [prefs for prefs in preferences.values() if prefs.kinds and prefs.thresholds]
    plan = ReminderPlan(today=today, digests=[], unreachable=[], already_today=0)
    if not wanted:
        return plan
    deadlines = _deadlines_wanted(wanted, today)
    recorded = _thresholds_recorded(today)
    done_today = set(ReminderDigest.objects.filter(day=today).values_list("user_id", flat=True))
    for person in people:
        if person.pk in done_today:
            plan.already_today += 1
            continue
        planned = _digest_planned(person, preferences[person.pk], deadlines, recorded, today)
        if planned.entries:
            (plan.digests if planned.channels else plan.unreachable).append(planned)
    return plan


def reminder_digest_record(planned: PlannedDigest, *, today: datetime.date):
    """Write PLANNED's digest, its thresholds and its pending deliveries in one transaction.

    Return the digest, or None when another run recorded this person's digest of TODAY, or one
    of these thresholds, first (then nothing is written).
    """
    try:
        with transaction.atomic():
            digest = ReminderDigest.objects.create(
                user=planned.user, day=today, entries=planned.entries
            )
            ReminderSent.objects.bulk_create(
                ReminderSent(
                    user=planned.user,
                    kind=kind,
                    source_id=source,
                    deadline=deadline,
                    threshold=threshold,
                    digest=digest,
                )
                for kind, source, deadline, threshold in planned.records
            )
            ReminderDelivery.objects.bulk_create(
                ReminderDelivery(digest=digest, channel=channel) for channel in planned.channels
            )
    except IntegrityError:
        return None
    return digest
