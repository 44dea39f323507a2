"""The audit trail in words: each event as a sentence a person reads, its values as people read
them, and the history pages, filters and CSV export built on it.

Events store raw values (ids, codes, ISO timestamps); this module is the one place that turns
them into names, labels and local dates. It reads each referenced record's name with one query
for all of a page's references (the latest name the trail knows, so deleted records keep
theirs), so a page's query count does not grow with its rows.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from northline.lib import exports
from northline.lib.text import in_local_time
from northline.lib.web import org_view, render_org
from northline.orgs import selectors
from northline.orgs.access import Access
from northline.orgs.models import Event, Person, TeamRole
from northline.orgs.pages import RECORD_PAGES, record_url

# Where each app's records belong among the sections the history filters by.
SECTIONS = [
    ("strategy", "Strategy"),
    ("goals", "Goals"),
    ("portfolio", "Portfolio"),
    ("delivery", "Delivery"),
    ("insights", "Insights"),
    ("lab", "Lab"),
    ("organization", "Organization"),
]
SECTION_LABELS = dict(SECTIONS)
APPS_OF_SECTION = {
    "strategy": ["strategy"],
    "goals": ["goals", "measures"],
    "portfolio": ["portfolio"],
    "delivery": ["delivery"],
    "insights": ["insights"],
    "lab": ["lab"],
    "organization": ["orgs", "auth"],
}
SECTION_OF_APP = {app: section for section, names in APPS_OF_SECTION.items() for app in names}

# Kinds whose generated names read badly.
KIND_NAMES = {
    "orgs.apitoken": ("API token", "API tokens"),
    "auth.user": ("user account", "user accounts"),
    "insights.snapshot": ("index snapshot", "index snapshots"),
    "delivery.teamleadtime": ("team lead time", "team lead times"),
    "portfolio.wiplimit": ("WIP limit", "WIP limits"),
    "strategy.swotitem": ("SWOT item", "SWOT items"),
}

# Internal fields nobody reads: ordering keys, versions, digests.
# E-mail addresses in the trail (a person's, an invitation's): shown to owners and admins only,
# as on the people and member pages (docs/security.md "Invitations and membership").
ADDRESS_FIELDS = frozenset({"email"})

HIDDEN_FIELDS = {
    "rank",
    "rank_is_manual",
    "version",
    "position",
    "key",
    "check_key",
    "digest",
    "text_sha256",
    "object_type",
    "object_id",
}

# Money fields, and where the currency of the record they belong to is kept.
CURRENCY_OF = {
    "lab.engagement": "currency",
    "lab.expense": "engagement__currency",
    "strategy.investment": "currency",
    "strategy.spend": "investment__currency",
}

# Verbs that change a record's state, and the field whose before/after the sentence names.
STATE_FIELDS = ("state", "status", "current_phase")

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
CODE = re.compile(r"^[a-z][a-z_]*$")
ROLE_LABELS = dict(TeamRole.choices)
EMPTY = "—"


def model_for(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def kind_of(object_type: str, *, plural: bool = False) -> str:
    """A record kind in words: "expert request", never "expertrequest"."""
    if object_type in KIND_NAMES:
        return KIND_NAMES[object_type][1 if plural else 0]
    model = model_for(object_type)
    if model is None:
        name = object_type.rpartition(".")[2]
        return name + "s" if plural else name
    meta = model._meta
    singular, many = str(meta.verbose_name), str(meta.verbose_name_plural)
    if not plural:
        return singular
    # Django's default plural only adds an "s": "signatorys".
    if many == singular + "s" and re.search(r"[^aeiou]y$", singular):
        return singular[:-1] + "ies"
    return many


def section_of(object_type: str) -> str:
    return SECTION_OF_APP.get(object_type.partition(".")[0], "organization")


def field_of(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def field_words(model: type[models.Model] | None, name: str) -> str:
    """A field's name in words: "target date", not "target_date"."""
    found = field_of(model, name)
    words = str(getattr(found, "verbose_name", "") or name.replace("_", " "))
    return words.replace("_", " ")


def referenced_type(found: Any) -> str | None:
    """The audit type ("orgs.person") a foreign key or many-to-many field points at."""
    if isinstance(found, models.ForeignKey | models.ManyToManyField):
        return str(found.related_model._meta.label_lower)
    return None


# Names of the records events mention ---------------------------------------------------------


@dataclass
class Names:
    """Names of the records a page of events refers to, keyed by (type, id)."""

    records: dict[tuple[str, str], str] = field(default_factory=dict)
    people: dict[int, str] = field(default_factory=dict)  # user id → person's name
    currencies: dict[tuple[str, str], str] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)  # user id → user name, as a fallback

    def of(self, object_type: str, pk: Any) -> str:
        if object_type == "auth.user" and isinstance(pk, int):
            return self.people.get(pk) or self.users.get(pk) or EMPTY
        return self.records.get((object_type, str(pk)), f"a {kind_of(object_type)} no longer known")


def references(event: Event) -> Iterable[tuple[str, Any]]:
    """(type, id) of every record an event's changes name through a foreign key."""
    model = model_for(event.object_type)
    for name, value in (event.changes or {}).items():
        target = referenced_type(field_of(model, name))
        if target is None:
            continue
        values = value if isinstance(value, list) else [value]
        if event.verb != "created" and event.verb != "deleted" and len(values) == 2:
            flat: list[Any] = []
            for item in values:
                flat.extend(item if isinstance(item, list) else [item])
            values = flat
        for item in values:
            if isinstance(item, int):
                yield target, item


def names_for(access: Access, events: Sequence[Event]) -> Names:
    """One query for the names of every record the events refer to, one for the people behind
    the users, one for the currency of each money type on the page."""
    wanted: dict[str, set[str]] = {}
    users: set[int] = {event.actor_id for event in events if event.actor_id is not None}
    money: dict[str, set[str]] = {}
    for event in events:
        for target, pk in references(event):
            if target == "auth.user":
                users.add(pk)
            else:
                wanted.setdefault(target, set()).add(str(pk))
        if event.object_type in CURRENCY_OF:
            money.setdefault(event.object_type, set()).add(event.object_id)
    names = Names()
    if wanted:
        condition = Q()
        for object_type, ids in wanted.items():
            condition |= Q(object_type=object_type, object_id__in=sorted(ids))
        latest = (
            Event.objects.filter(condition, organization=access.organization)
            .order_by("id")
            .values_list("object_type", "object_id", "object_repr")
        )
        for object_type, object_id, name in latest:
            names.records[(object_type, object_id)] = name
    if users:
        # A user's name is their person's in this organization, else their full name.
        for pk, first, last, username in User.objects.filter(pk__in=users).values_list(
            "pk", "first_name", "last_name", "username"
        ):
            names.users[pk] = f"{first} {last}".strip() or username
        names.people = dict(
            Person.objects.filter(organization=access.organization, user_id__in=users)
            .order_by("-id")
            .values_list("user_id", "name")
        )
    for object_type, ids in money.items():
        model = model_for(object_type)
        if model is None:
            continue
        numeric = [int(pk) for pk in ids if pk.isdigit()]
        rows = model._default_manager.filter(
            organization=access.organization, pk__in=numeric
        ).values_list("pk", CURRENCY_OF[object_type])
        for pk, currency in rows:
            names.currencies[(object_type, str(pk))] = currency
    return names


# Values in words --------------------------------------------------------------------------------


def when(value: dt.datetime) -> str:
    """A moment in the organization's time zone, to the minute."""
    return in_local_time(value, "j M Y H:i")


def number(value: float | int | decimal.Decimal) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def money(value: Any, currency: str | None) -> str:
    try:
        amount = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        return str(value)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{text} {currency}" if currency else text


def shown(value: Any) -> str:
    """A stored value as text for people, when nothing is known about its field."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, list):
        return ", ".join(shown_item(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {shown(v)}" for k, v in value.items())
    text = str(value)
    if ISO_DATE.match(text):
        return in_local_time(dt.date.fromisoformat(text), "j M Y")
    if ISO_DATETIME.match(text):
        try:
            return when(dt.datetime.fromisoformat(text))
        except ValueError:
            return text
    return Truncator(text).chars(300)


def shown_item(item: Any) -> str:
    """One item of a stored list: a role or another code as its label, anything else as is."""
    if isinstance(item, str) and CODE.match(item):
        return str(ROLE_LABELS.get(item, item.replace("_", " ")))
    if isinstance(item, dict):
        return str(item.get("name") or shown(item))
    return shown(item)


@dataclass
class Reader:
    """Reads the values of one event's record type: names, labels, money, dates."""

    object_type: str
    object_id: str
    names: Names
    changes: dict[str, Any]
    model: type[models.Model] | None = None

    def __post_init__(self) -> None:
        self.model = model_for(self.object_type)

    def currency(self) -> str | None:
        stored = self.changes.get("currency")
        if isinstance(stored, list) and stored:
            stored = stored[-1]
        if isinstance(stored, str) and stored:
            return stored
        return self.names.currencies.get((self.object_type, self.object_id))

    def value(self, name: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return EMPTY
        found = field_of(self.model, name)
        target = referenced_type(found)
        if target is not None:
            items = value if isinstance(value, list) else [value]
            return ", ".join(self.names.of(target, item) for item in items) or EMPTY
        if "role" in name and isinstance(value, str) and value in ROLE_LABELS:
            return str(ROLE_LABELS[value])
        choices = dict(getattr(found, "choices", None) or ())
        if choices and not isinstance(value, list):
            return str(choices.get(value, value))
        if isinstance(found, models.DecimalField) and self.object_type in CURRENCY_OF:
            return money(value, self.currency())
        if isinstance(found, models.DateTimeField) and isinstance(value, str):
            return shown(value)
        return shown(value)

    def words(self, name: str) -> str:
        return field_words(self.model, name)


# Events in words ----------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    before: str = ""
    after: str = ""
    value: str = ""
    is_update: bool = False

    @property
    def text(self) -> str:
        if self.is_update:
            return f"{self.field}: {self.before} → {self.after}"
        return f"{self.field}: {self.value}"


@dataclass
class Row:
    """One event as a history table shows it: who did what to which record, in words."""

    event: Event
    actor: str
    lead: str  # the words between the actor and the record ("moved story")
    record: str
    tail: str  # the words after the record (" from To do to Doing")
    kind: str
    section: str
    when: str
    url: str | None
    changes: list[Change]

    @property
    def sentence(self) -> str:
        return f"{self.actor} {self.lead} “{self.record}”{self.tail}"

    @property
    def changes_text(self) -> str:
        return "; ".join(change.text for change in self.changes)


def describe(
    event: Event, names: Names, withheld: frozenset[str] = frozenset()
) -> tuple[str, str, list[Change]]:
    """(lead, tail, changes) of one event: the sentence around its record, and the changed
    values the sentence does not already say, less the ``withheld`` fields."""
    changes = {k: v for k, v in (event.changes or {}).items() if k not in withheld}
    reader = Reader(event.object_type, event.object_id, names, changes)
    kind = kind_of(event.object_type)
    verb = event.verb
    is_update = verb not in ("created", "deleted", "linked", "unlinked", "invited")
    shown_fields = {
        name: changes[name]
        for name in in_field_order(event.object_type, changes)
        if name not in HIDDEN_FIELDS and not name.endswith("_name")
    }
    listed: list[Change] = []
    for name, value in shown_fields.items():
        if is_update and isinstance(value, list) and len(value) == 2:
            listed.append(
                Change(
                    field=reader.words(name),
                    before=reader.value(name, value[0]),
                    after=reader.value(name, value[1]),
                    is_update=True,
                )
            )
        elif value not in ("", None, [], {}) and (
            not is_update or not isinstance(value, list | dict)
        ):
            if isinstance(value, dict):
                continue  # a link's {"added": id, "name": …}: the sentence names it
            listed.append(Change(field=reader.words(name), value=reader.value(name, value)))

    if verb in SIGN_IN_VERBS:
        return sign_in_sentence(event)
    if verb == "created":
        return f"created {kind}", "", listed
    if verb == "deleted":
        return f"deleted {kind}", "", listed
    if verb in ("linked", "unlinked"):
        return link_sentence(event, reader, kind), "", []
    if verb == "moved":
        state = next((c for c in listed if c.field in ("state", "status")), None)
        if state is not None:
            listed.remove(state)
            return f"moved {kind}", f" from {state.before} to {state.after}", listed
        manual = changes.get("rank_is_manual")
        by_hand = isinstance(manual, list) and manual[-1] is True
        return f"re-ranked {kind}", " by hand" if by_hand else "", listed
    if verb == "updated" and len(listed) == 1 and listed[0].field == "done":
        return f"marked {kind}", " done" if listed[0].after == "yes" else " not done", []
    if verb == "updated" and len(listed) == 1 and not long_change(listed[0]):
        (change,) = listed
        if change.before == EMPTY:
            return f"set the {change.field} of {kind}", f" to {change.after}", []
        if change.after == EMPTY:
            return f"cleared the {change.field} of {kind}", f" (was {change.before})", []
        return (
            f"changed the {change.field} of {kind}",
            f" from {change.before} to {change.after}",
            [],
        )
    if verb == "updated":
        return f"changed {kind}", "", listed
    if verb == "assigned":
        expert = next((c for c in listed if c.field == "expert"), None)
        if expert is not None:
            listed.remove(expert)
            return f"assigned {kind}", f" to {expert.after}", drop_state(listed)
    if verb == "advanced":
        phase = next((c for c in listed if c.field == "current phase"), None)
        if phase is not None:
            listed.remove(phase)
            return f"advanced {kind}", f" from {phase.before} to {phase.after}", listed
    if verb == "invited":
        return f"sent the invitations of {kind}", "", listed
    if verb == "pivoted away":
        return f"pivoted {kind}", " away from the lab", drop_state(listed)
    if verb == "done":
        return f"marked {kind}", " done", drop_state(listed)
    if verb == "snapshot taken":
        return f"took {kind}", "", listed
    if verb == "initialed":
        return f"recorded {kind}", "", []
    if verb == "answered":
        return f"sent {kind}", "", []
    if verb == "pinged":
        return f"tested {kind}", "", listed
    return f"{verb} {kind}", "", drop_state(listed)


def in_field_order(object_type: str, changes: dict[str, Any]) -> list[str]:
    """The changed fields in the order their model declares them, the rest after by name: the
    order a change list reads in, whatever order the database kept the keys in (PostgreSQL's
    jsonb sorts them by length)."""
    model = model_for(object_type)
    declared = [f.name for f in model._meta.get_fields()] if model is not None else []
    position = {name: index for index, name in enumerate(declared)}
    return sorted(changes, key=lambda name: (position.get(name, len(declared)), name))


# Signing in and out (issue 16): the record is the account, the method and address follow.
SIGN_IN_VERBS = ("signed_in", "signed_out", "sign_in_refused")
METHOD_WORDS = {"password": "with a password", "single sign-on": "with single sign-on"}


def sign_in_sentence(event: Event) -> tuple[str, str, list[Change]]:
    """ "signed in as “olivia” with a password from 203.0.113.7" and the like."""
    changes = event.changes or {}
    method = METHOD_WORDS.get(str(changes.get("method", "")), "")
    tail = (f" {method}" if method else "") + (
        f" from {event.client_address}" if event.client_address else ""
    )
    if event.verb == "signed_in":
        return "signed in as", tail, []
    if event.verb == "signed_out":
        return "signed out as", tail, []
    reason = str(changes.get("reason") or "")
    return "was refused sign-in as", tail + (f": {reason}" if reason else ""), []


def long_change(change: Change) -> bool:
    """A change of a long text, which a sentence cannot carry; the change list shows it."""
    return max(len(change.before), len(change.after)) > 60


def drop_state(listed: list[Change]) -> list[Change]:
    """The changes without the status the verb already says ("closed survey …")."""
    return [change for change in listed if change.field not in ("status", "state")]


def link_sentence(event: Event, reader: Reader, kind: str) -> str:
    """ "linked lagging indicator “Product owners coached” to epic" and the like."""
    changes = event.changes or {}
    to = "to" if event.verb == "linked" else "from"
    for name, value in changes.items():
        if isinstance(value, dict) and "name" in value:
            what = reader.words(name)
            what = what[:-1] if what.endswith("s") else what
            return f"{event.verb} {what} “{value['name']}” {to} {kind}"
    named = next((v for k, v in changes.items() if k.endswith("_name")), None)
    if named:
        what = next(k for k in changes if k.endswith("_name"))[: -len("_name")]
        return f"{event.verb} {what.replace('_', ' ')} “{named}” {to} {kind}"
    return f"{event.verb} {kind}"


def actor_of(event: Event, names: Names) -> str:
    """Who did it: the person's name, else the user's; an automatic actor ("daily snapshot")
    by what it is."""
    if event.actor_id is not None:
        return names.of("auth.user", event.actor_id)
    return capitalized(event.actor_name)


def history_rows(access: Access, events: Iterable[Event]) -> list[Row]:
    """Events as the history shows them. Links go only to records that still exist, found
    with one query per linked type; names with one query (see :func:`names_for`)."""
    events = list(events)
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.object_type in RECORD_PAGES:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    existing = selectors.existing_ids(access, wanted)
    names = names_for(access, events)
    slug = access.organization.slug
    rows = []
    for event in events:
        url = None
        if event.object_id in existing.get(event.object_type, ()):
            url = record_url(slug, event.object_type, event.object_id)
        elif event.object_type == "orgs.organization":
            url = reverse("org_home", kwargs={"slug": slug})
        elif event.object_type == "orgs.membership":
            url = reverse("org_settings", kwargs={"slug": slug})
        lead, tail, changes = describe(
            event, names, frozenset() if access.can_manage else ADDRESS_FIELDS
        )
        rows.append(
            Row(
                event=event,
                actor=actor_of(event, names),
                lead=lead,
                record=event.object_repr,
                tail=tail,
                kind=kind_of(event.object_type),
                section=SECTION_LABELS[section_of(event.object_type)],
                when=when(event.created_at),
                url=url,
                changes=changes,
            )
        )
    return rows


# Filters ----------------------------------------------------------------------------------------

DATE_ERROR = "Enter the date as year-month-day, for example 2026-12-05."


class HistoryFilter(forms.Form):
    """The history's filters, read from the query string; all optional and combinable."""

    who = forms.ChoiceField(required=False, label="Person")
    section = forms.ChoiceField(
        required=False, label="Section", choices=[("", "All sections"), *SECTIONS]
    )
    type = forms.ChoiceField(required=False, label="Record type")
    record = forms.CharField(required=False, max_length=64, label="Record")

    def __init__(self, access: Access, data: Any) -> None:
        super().__init__(data)
        self.access = access
        # "from" and "to" are the names people see in the address; Python reserves "from".
        for name, label in (("from", "From"), ("to", "To")):
            self.fields[name] = forms.DateField(
                required=False,
                label=label,
                input_formats=["%Y-%m-%d"],
                error_messages={"invalid": DATE_ERROR},
                widget=forms.DateInput(attrs={"type": "date"}),
            )
        self.who_field.choices = [("", "Everyone"), *selectors.event_actors(access)]
        types = selectors.event_object_types(access)
        kinds = sorted(((t, capitalized(kind_of(t))) for t in types), key=lambda c: c[1])
        self.types = dict(kinds)
        self.type_field.choices = [("", "All record types"), *kinds]

    @property
    def who_field(self) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields["who"])

    @property
    def type_field(self) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields["type"])

    def clean_record(self) -> str:
        record = str(self.cleaned_data.get("record") or "")
        if record and not re.match(r"^[-\w]+$", record):
            raise forms.ValidationError("Choose a record from the list.")
        return record

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", "The end date comes before the start date.")
        if data.get("record") and not data.get("type"):
            self.add_error("record", "Choose a record type first.")
        return data

    def records(self) -> list[tuple[str, str]]:
        """The records of the chosen type, for the record list (none before a type is chosen)."""
        chosen = self.data.get("type", "")
        if chosen not in self.types:
            return []
        return selectors.event_records(self.access, chosen)

    def criteria(self) -> dict[str, Any]:
        """The selector's arguments for the valid filters; dates cover whole local days."""
        data = self.cleaned_data
        start, end = data.get("from"), data.get("to")
        return {
            "actor": data.get("who") or None,
            "app_labels": APPS_OF_SECTION.get(data.get("section") or ""),
            "object_type": data.get("type") or None,
            "object_id": data.get("record") or None,
            "since": start_of(start) if start else None,
            "before": start_of(end + dt.timedelta(days=1)) if end else None,
        }


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the organization's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def first_error(form: forms.Form) -> str:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return ""


# Pages ------------------------------------------------------------------------------------------

PAGE_SIZE = 50
EXPORT_BATCH = 500


@org_view
def history(request: HttpRequest, access: Access) -> HttpResponse:
    form = HistoryFilter(access, request.GET)
    valid = form.is_valid()
    queryset = selectors.events(access, **form.criteria()) if valid else Event.objects.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_org(
        request,
        access,
        "orgs/history.html",
        {
            "page": page,
            "rows": history_rows(access, page.object_list),
            "form": form,
            "records": form.records(),
            "filtered": any(value for name, value in query.items()),
            "query": query.urlencode(),
        },
        nav="history",
        status=200 if valid else 400,
    )


@org_view
def history_csv(request: HttpRequest, access: Access) -> HttpResponse:
    """The filtered history as a CSV file, every page of it, newest first."""
    form = HistoryFilter(access, request.GET)
    if not form.is_valid():
        return HttpResponse(
            f"The history could not be exported. {first_error(form)}",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    queryset = selectors.events(access, **form.criteria())
    table: list[list[exports.Cell]] = [
        ["When", "Who", "Section", "Record kind", "Record", "What happened", "Changes"]
    ]
    events = list(queryset)
    for start in range(0, len(events), EXPORT_BATCH):
        for row in history_rows(access, events[start : start + EXPORT_BATCH]):
            cells = [row.when, row.actor, row.section, row.kind, row.record, row.sentence]
            table.append([exports.safe(cell) for cell in [*cells, row.changes_text]])
    today = timezone.localdate().isoformat()
    return exports.attachment(
        exports.as_csv(table), exports.CSV, f"{access.organization.slug}-history-{today}.csv"
    )


@org_view
def object_history(
    request: HttpRequest, access: Access, object_type: str, object_id: str
) -> HttpResponse:
    queryset = selectors.events(access, object_type=object_type, object_id=object_id)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = history_rows(access, page.object_list)
    if not rows and page.number == 1:
        raise Http404("No history for this record in this organization.")
    return render_org(
        request,
        access,
        "orgs/object_history.html",
        {
            "page": page,
            "rows": rows,
            "object_type": object_type,
            "object_id": object_id,
            "kind": kind_of(object_type),
            "title": rows[0].record,
            "record_url": rows[0].url,
        },
        nav="history",
    )
