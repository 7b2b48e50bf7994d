"""Reading meetings from iCalendar (.ics) files that calendar programs export.

A pure module: bytes in, meetings out, no database. Outlook/Exchange, Google Calendar and
Thunderbird exports are the ones people bring; their quirks (Windows time-zone names, folded lines,
Teams and Meet links in odd properties) are handled here so the rest of the app only
sees :class:`Meeting` values with UTC times and lower-cased e-mail addresses.

Anything that stops the whole file being read raises :class:`ICSError` with a message a
person can act on. Single events that cannot be used (no start time, cancelled) are left
out and explained in :attr:`ICSReadResult.skipped`, as are meetings read only in part (a
time zone no one knows, read as UK time).

A repeating meeting (RRULE, RDATE, EXDATE, and its changed occurrences with RECURRENCE-ID)
is expanded by recurring-ical-events (ADR 0010) into one :class:`Meeting` per occurrence
from :data:`REPEATS_BACK` before the import up to its time, each with its original start
(:attr:`Meeting.occurrence`), so that a moved occurrence is still the same occurrence.

Every step is linear in the file's size, except expanding a repeating meeting, which is
linear in its occurrences from its start to now (at most one a day, and at most
:data:`MAX_OCCURRENCES` in the file). icalendar spends some 60 microseconds on each
content line, so a meeting's ATTENDEE lines, which are most of a big export (150,000 in
5 MB), are read here instead (:func:`_take_attendees`) and icalendar parses the rest;
any attendee line out of the ordinary is still read by icalendar, one line at a time. The
occurrences of a repeating meeting take the attendees read here for the event they come
from (the series, or the changed occurrence).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events
from icalendar.parser.content_line import NEWLINE as _NEWLINE
from icalendar.parser.content_line import UFOLD as _UNFOLD

__all__ = [
    "MAX_BYTES",
    "MAX_OCCURRENCES",
    "REPEATS_BACK",
    "ICSError",
    "ICSReadResult",
    "Meeting",
    "local_day",
    "read_meetings",
]

MAX_BYTES = 5 * 1024 * 1024
#: Repeating meetings are read back this far from the time of the import, and no further:
#: the habits look back a year at most, and a rule that repeats for ever must stop somewhere.
REPEATS_BACK = timedelta(days=365)
#: The most occurrences of repeating meetings read from one file (a year of nearly 200
#: weekly meetings); a file with more is refused rather than read in part.
MAX_OCCURRENCES = 10_000

#: Floating times (no time zone) and all-day dates are read as UK local time.
LONDON = ZoneInfo("Europe/London")

#: Windows time-zone names as Outlook writes them in TZID, for the rare export that names
#: one without its VTIMEZONE block. icalendar knows most of these too; this is the fallback.
WINDOWS_ZONES = {
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw",
    "E. Europe Standard Time": "Europe/Chisinau",
    "FLE Standard Time": "Europe/Kiev",
    "GTB Standard Time": "Europe/Bucharest",
    "Eastern Standard Time": "America/New_York",
    "Pacific Standard Time": "America/Los_Angeles",
    "India Standard Time": "Asia/Kolkata",
    "UTC": "UTC",
    "Coordinated Universal Time": "UTC",
}

_VIDEO_HOSTS = (
    r"teams\.microsoft\.com|teams\.live\.com|zoom\.us|zoom\.com|meet\.google\.com|webex\.com"
)
_VIDEO_LINK = re.compile(
    rf"(?:https?://)?(?:[\w-]+\.)*(?:{_VIDEO_HOSTS})(?![\w.-]*\w)", re.IGNORECASE
)
#: LOCATION values that name a way of meeting rather than a place: a video service, the
#: phone, or nothing in particular.
_VIDEO_NAMES = (
    r"microsoft teams(?: meeting)?|teams(?: meeting| call)?|zoom(?: meeting| call)?"
    r"|google meet|webex(?: meeting)?|skype(?: meeting)?|video call"
)
_PHONE_NAMES = r"phone|telephone|phone call|conference call"
_NAMED_VIDEO = re.compile(rf"^(?:{_VIDEO_NAMES})\.?$", re.IGNORECASE)
_NAMED_PHONE = re.compile(rf"^(?:{_PHONE_NAMES})\.?$", re.IGNORECASE)
_NOT_A_PLACE = re.compile(
    rf"^(?:{_VIDEO_NAMES}|{_PHONE_NAMES}|online|virtual|remote|tbc|tbd|n/?a|none)\.?$",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"\b(?:dial[- ]?in|call[- ]in|by (?:tele)?phone|phone call|telephone|teleconference"
    r"|conference call|audio[- ]only)\b|\btel:|\bphone:"
    r"|(?:\+44\s?(?:\(0\)\s?)?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b",
    re.IGNORECASE,
)
_URL = re.compile(r"^\s*\w+://", re.IGNORECASE)
_VIDEO_PROPERTIES = ("X-MICROSOFT-SKYPETEAMSMEETINGURL", "X-GOOGLE-CONFERENCE")
_NOT_PEOPLE = frozenset({"RESOURCE", "ROOM"})


class ICSError(ValueError):
    """The file cannot be read at all; the message names it and says what to do."""


@dataclass(frozen=True)
class Meeting:
    uid: str
    title: str
    start: datetime
    end: datetime | None
    duration_minutes: int | None
    all_day: bool
    location: str
    organiser: str
    attendees: tuple[str, ...]
    mode: str
    #: For an occurrence of a repeating meeting, its original start in UTC (its
    #: RECURRENCE-ID, which stays the same when the occurrence is moved); None otherwise.
    occurrence: datetime | None = None


@dataclass(frozen=True)
class ICSReadResult:
    meetings: list[Meeting]
    #: One sentence per event left out (or only partly read), saying why.
    skipped: list[str] = field(default_factory=list)
    #: One line per repeating meeting: how many occurrences it gave.
    repeating: list[str] = field(default_factory=list)
    #: The earliest time occurrences of repeating meetings were read from; None when the
    #: file has no repeating meeting.
    repeats_from: datetime | None = None


def read_meetings(
    data: bytes | Iterable[bytes], *, filename: str, now: datetime | None = None
) -> ICSReadResult:
    """Read the meetings in an exported .ics file; raise ICSError if it cannot be read.

    `data` is the file's bytes, or its chunks as they arrive (an upload's ``chunks()``).
    Repeating meetings give their occurrences from REPEATS_BACK before `now` (the time of
    the import) up to `now`."""
    data = _whole(data, filename)
    if not data.strip():
        raise ICSError(f"{filename} is empty. Export your calendar again and upload that file.")
    calendars, attendees = _decode_and_parse(data, filename)
    events = [event for cal in calendars for event in cal.walk("VEVENT")]
    if not events:
        raise ICSError(
            f"{filename} has no meetings in it. Check the date range and the calendar you exported."
        )
    if len(attendees) != len(events):  # pragma: no cover - both read the same BEGIN lines
        raise ICSError(
            f"{filename} is damaged and could not be read as a calendar. Export it again from "
            "your calendar program."
        )
    return _read_events(events, attendees, now or datetime.now(UTC), filename)


def _whole(data: bytes | Iterable[bytes], filename: str) -> bytes:
    """All of the file; ICSError naming its size if it is over MAX_BYTES (chunks past the
    limit are counted, not kept)."""
    size = 0
    if isinstance(data, bytes | bytearray):
        whole, size = bytes(data), len(data)
    else:
        buffer = bytearray()
        for chunk in data:
            size += len(chunk)
            if size <= MAX_BYTES:
                buffer += chunk
        whole = bytes(buffer)
    if size > MAX_BYTES:
        raise ICSError(
            f"{filename} is {size / (1024 * 1024):.1f} MB; the largest file we read is "
            f"{MAX_BYTES // (1024 * 1024)} MB. Export a shorter date range."
        )
    return whole


# -- Decoding and parsing -------------------------------------------------------------------


#: What icalendar made of a file, and each meeting's attendees in the same order.
Parsed = tuple[list[icalendar.Calendar], list[list["Attendee"]]]


def _decode_and_parse(data: bytes, filename: str) -> Parsed:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ICSError(
            f"{filename} is not in a text encoding we can read (UTF-8 expected; this file is "
            "UTF-16). Export it again as UTF-8, or open it in a text editor and save it as "
            "UTF-8."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return _parse(text, filename)
    # Some older programs write Windows-1252. Accept it only if it is clearly that.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and "\x00" not in text and _looks_like_calendar(_lines(text)):
        try:
            return _parse(text, filename)
        except ICSError:
            pass
    raise ICSError(
        f"{filename} is not in a text encoding we can read (UTF-8 expected). Export it again "
        "as UTF-8, or open it in a text editor and save it as UTF-8."
    )


def _lines(text: str) -> list[str]:
    """Physical lines as a text editor counts them (not str.splitlines, which splits on more)."""
    return re.split(r"\r\n|\r|\n", text)


def _first(lines: list[str]) -> str:
    return next((line.strip() for line in lines if line.strip()), "")


def _looks_like_calendar(lines: list[str]) -> bool:
    return _first(lines).upper() == "BEGIN:VCALENDAR"


def _parse(text: str, filename: str) -> Parsed:
    lines = _lines(text)
    if not _looks_like_calendar(lines):
        first = _first(lines)
        if len(first) > 40:
            first = first[:40] + "…"
        raise ICSError(
            f"{filename} is not an iCalendar file: it should start with BEGIN:VCALENDAR but "
            f"starts with “{first}”. Export your calendar as .ics (iCalendar) and upload that."
        )
    last_line = next(i for i in range(len(lines), 0, -1) if lines[i - 1].strip())
    if lines[last_line - 1].strip().upper() != "END:VCALENDAR":
        raise ICSError(
            f"{filename} stops part-way through, at line {last_line}{_where(lines)}: "
            "END:VCALENDAR, the calendar's last line, is missing. The file was probably cut "
            "short in copying or downloading; export it again."
        )
    _check_nesting(lines, filename)
    try:
        rest, attendees = _take_attendees(text)
        calendars = icalendar.Calendar.from_ical(rest, multiple=True)
    except Exception as error:  # icalendar raises ValueError, KeyError, IndexError...
        detail = str(error).split("\n", 1)[0][:120]
        raise ICSError(
            f"{filename} is damaged and could not be read as a calendar ({detail}). Export it "
            "again from your calendar program."
        ) from error
    if not calendars:
        raise ICSError(
            f"{filename} is damaged and could not be read as a calendar. Export it again from "
            "your calendar program."
        )
    return list(calendars), attendees


_B_OR_E = frozenset("BbEe")


def _check_nesting(lines: list[str], filename: str) -> None:
    """Every BEGIN has its END, in order; otherwise say at which line it goes wrong."""
    open_blocks: list[tuple[str, int]] = []
    for number, line in enumerate(lines, start=1):
        if line[:1] not in _B_OR_E:  # not BEGIN or END (nor a folded continuation)
            continue
        key, _, value = line.rstrip().partition(":")
        name = value.strip().upper()
        if key.upper() == "BEGIN":
            open_blocks.append((name, number))
        elif key.upper() == "END":
            if not open_blocks or open_blocks[-1][0] != name:
                problem = (
                    f"END:{name} where END:{open_blocks[-1][0]} was expected"
                    if open_blocks
                    else f"END:{name} after the calendar has ended"
                )
                raise ICSError(
                    f"{filename} is damaged at line {number}: it has {problem}. Export it again "
                    "from your calendar program."
                )
            open_blocks.pop()
    if open_blocks:
        name, number = open_blocks[-1]
        raise ICSError(
            f"{filename} is damaged: BEGIN:{name} at line {number} is never closed. Export it "
            "again from your calendar program."
        )


def _where(lines: list[str]) -> str:
    """Say which meeting was open when the file stopped, from its raw (folded) lines."""
    in_event = False
    summary = previous = ""
    for i, line in enumerate(lines):
        upper = line.upper().rstrip()
        if upper == "BEGIN:VEVENT":
            in_event, summary = True, ""
        elif upper == "END:VEVENT":
            in_event, previous = False, summary
        elif in_event and upper.split(":", 1)[0].split(";", 1)[0] == "SUMMARY":
            parts = [line]
            for follow in itertools.islice(lines, i + 1, None):
                if not follow.startswith((" ", "\t")):
                    break
                parts.append(follow[1:])
            unfolded = "".join(parts)
            summary = _unescape(unfolded.split(":", 1)[1]).strip() if ":" in unfolded else ""
    if not in_event:
        return ""
    if summary:
        return f", inside the meeting “{summary}”"
    if previous:
        return f", inside the meeting after “{previous}”"
    return ", inside a meeting"


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


# -- Attendees ------------------------------------------------------------------------------

#: An attendee as read: the address (lower case, without mailto:) and whether it is a person
#: rather than a room or a resource.
Attendee = tuple[str, bool]

#: A content line's name: up to the first ":" or ";" (a quote or a backslash first makes
#: the name invalid, and icalendar is left to deal with the line).
_NAME = re.compile(r"[^:;\"\\]*")
#: A parameter value icalendar accepts as it is: in double quotes, or plain (no quotes,
#: commas, colons or semicolons), with no control characters, no RFC 6868 "^" escapes and
#: no white space next to a delimiter.
_CTL = r"\x00-\x08\x0a-\x1f\x7f"
_PLAIN = rf"[^{_CTL}\",:;^ \t]"
_VALUE = rf"(?:\"[^{_CTL}\"^]*\"|(?:{_PLAIN}(?:[^{_CTL}\",:;^]*{_PLAIN})?)?)"
_PARAMETER = re.compile(rf";([\w.-]+)=({_VALUE}(?:,{_VALUE})*)")
#: What follows an attendee line's name: its parameters, ":", and the address.
_PLAIN_ATTENDEE = re.compile(
    rf"(?P<parameters>(?:;[\w.-]+={_VALUE}(?:,{_VALUE})*)*):(?P<address>.*)", re.DOTALL
)


def _take_attendees(text: str) -> tuple[str, list[list[Attendee]]]:
    """Take the meetings' ATTENDEE lines out of the text, read them, and return the rest for
    icalendar with each meeting's attendees, in the order icalendar's walk("VEVENT") gives
    the meetings. Lines are unfolded and split with icalendar's own patterns and BEGIN and
    END lines read by icalendar's own parser, so both see the same meetings."""
    rest: list[str] = []
    meetings: list[list[Attendee]] = []
    #: The open components: their names, and the attendee list of each open meeting.
    stack: list[tuple[str, list[Attendee] | None]] = []
    meeting: list[Attendee] | None = None
    for line in _NEWLINE.split(_UNFOLD.sub("", text)):
        if line[:9] in _ATTENDEE:
            name, end = "ATTENDEE", 8
        elif line[:1] in _OTHER_PROPERTIES:
            rest.append(line)
            continue
        else:
            name, end = _name(line)
        if name == "ATTENDEE" and meeting is not None:
            meeting.extend(_read_attendee(line, end))
            continue
        if name in ("BEGIN", "END"):
            _enter_or_leave(line, stack, meetings)
            meeting = stack[-1][1] if stack else None
        rest.append(line)
    return "\r\n".join(rest), meetings


_ATTENDEE = frozenset({"ATTENDEE:", "ATTENDEE;"})
#: First characters of lines that are none of ATTENDEE, BEGIN or END, however tidied.
_OTHER_PROPERTIES = frozenset("CDFGHIJKLMNOPQRSTUVWXYZcdfghijklmnopqrstuvwxyz0123456789-")


def _name(line: str) -> tuple[str, int]:
    """A content line's name as icalendar tidies it, and where it ends ("" if invalid)."""
    head = _NAME.match(line)
    end = head.end() if head else 0
    if end < len(line) and line[end] in ":;":
        return line[:end].strip().replace(" ", "").replace("\t", "").upper(), end
    return "", end


def _enter_or_leave(
    line: str,
    stack: list[tuple[str, list[Attendee] | None]],
    meetings: list[list[Attendee]],
) -> None:
    try:
        name, value = _begin_or_end(line)
    except ValueError:  # icalendar skips the line, or refuses the file
        return
    if name.upper() == "BEGIN":
        component = value.upper()
        attendees: list[Attendee] | None = [] if component == "VEVENT" else None
        if attendees is not None:
            meetings.append(attendees)
        stack.append((component, attendees))
    elif name.upper() == "END" and stack:
        stack.pop()


@functools.lru_cache(maxsize=64)
def _begin_or_end(line: str) -> tuple[str, str]:
    """A BEGIN or END line's name and value, as icalendar reads them (the same few lines
    repeat: BEGIN:VEVENT, END:VEVENT)."""
    name, _, value = icalendar.parser.Contentline(line).parts()
    return name, value


def _read_attendee(line: str, name_end: int) -> list[Attendee]:
    """Read an ATTENDEE line as icalendar would: ours when it is plain, icalendar's when not
    (backslash escapes, RFC 6868, odd white space or parameters icalendar refuses)."""
    odd = "\\" in line or "\r" in line
    if not odd and line[name_end] == ":":  # no parameters: the usual line in a big export
        return [(_address(line[name_end + 1 :]), True)]
    plain = None if odd else _PLAIN_ATTENDEE.fullmatch(line, name_end)
    if plain is None:
        event = icalendar.Event.from_ical(f"BEGIN:VEVENT\r\n{line}\r\nEND:VEVENT\r\n")
        return [_attendee(value) for value in _as_list(event.get("ATTENDEE"))]
    person = True
    if parameters := plain["parameters"]:
        for key, value in _PARAMETER.findall(parameters):
            if key.upper() == "CUTYPE":
                if len(value) > 1 and value[0] == value[-1] == '"':
                    value = value[1:-1]
                person = value.upper() not in _NOT_PEOPLE
    return [(_address(plain["address"]), person)]


def _attendee(value: object) -> Attendee:
    cutype = str(getattr(value, "params", {}).get("CUTYPE", "")).upper()
    return _address(value), cutype not in _NOT_PEOPLE


# -- Events ---------------------------------------------------------------------------------


def _read_events(
    events: list[icalendar.Component],
    attendees: list[list[Attendee]],
    now: datetime,
    filename: str,
) -> ICSReadResult:
    meetings: list[Meeting] = []
    skipped: list[str] = []
    repeating: list[str] = []
    series = _series(events)
    in_series = {index for indexes in series.values() for index in indexes}
    since = now - REPEATS_BACK
    occurrences = 0
    for index, (event, its_attendees) in enumerate(zip(events, attendees, strict=True)):
        if index in series:
            members = [(events[i], attendees[i]) for i in series[index]]
            found, notes, line = _read_series(members, now=now, since=since)
            occurrences += len(found)
            if occurrences > MAX_OCCURRENCES:
                raise ICSError(
                    f"{filename} has more than {MAX_OCCURRENCES:,} occurrences of repeating "
                    "meetings in the past year, more than we read from one file. Export one "
                    "calendar at a time."
                )
            meetings += found
            skipped += notes
            repeating += [line] if line else []
            continue
        if index in in_series:  # a changed occurrence, read with its series
            continue
        title = _text(event.get("SUMMARY"))
        named = f"“{title}”" if title else "An untitled meeting"
        if reason := _unusable(event, named):
            skipped.append(reason)
            continue
        # A changed occurrence whose series is not in the file keeps its original start.
        uid, occurrence = _text(event.get("UID")), _original_start(event)
        meetings.append(_meeting(event, uid, title, its_attendees, occurrence=occurrence))
        skipped += _zone_note(event, named)
    return ICSReadResult(
        meetings=meetings,
        skipped=skipped,
        repeating=repeating,
        repeats_from=since if series else None,
    )


def _unusable(event: icalendar.Component, named: str) -> str:
    """Why a meeting cannot be logged at all, or ""."""
    if _text(event.get("STATUS")).upper() == "CANCELLED":
        return f"{named} was cancelled"
    if "DTSTART" not in event:
        return f"{named} has no start time"
    start_value = event.decoded("DTSTART")
    if not isinstance(start_value, date):
        return f"{named} has a start time we cannot read ({start_value})"
    return ""


def _repeats(event: icalendar.Component) -> bool:
    return bool(event.get("RRULE") or event.get("RDATE")) and "RECURRENCE-ID" not in event


def _series(events: list[icalendar.Component]) -> dict[int, list[int]]:
    """The repeating meetings, by the index of the first of their events in the file: the
    indexes of the series' events (the repeating one and its changed occurrences, which
    share its UID). Nothing, and no further pass, for a file with no repeating meeting."""
    keys = {_series_key(event, index) for index, event in enumerate(events) if _repeats(event)}
    if not keys:
        return {}
    series: dict[str, list[int]] = {}
    for index, event in enumerate(events):
        key = _series_key(event, index)
        if key in keys:
            series.setdefault(key, []).append(index)
    return {indexes[0]: indexes for indexes in series.values()}


def _series_key(event: icalendar.Component, index: int) -> str:
    """The UID, or for an event without one (which nothing can change), its place."""
    return _text(event.get("UID")) or f"\0{index}"


#: Marks each event of a series with its place among them, so that each occurrence, a copy
#: of one of them, can be given that event's attendees.
_MEMBER = "X-ALLIANCE-SERIES-MEMBER"
#: Occurrences are asked for a day either side of the window and then kept by their start
#: in UTC: a rule in floating time is expanded in local time.
_MARGIN = timedelta(days=1)
_MORE_THAN_DAILY = frozenset({"SECONDLY", "MINUTELY", "HOURLY"})
_TIMES_OF_DAY = ("BYHOUR", "BYMINUTE", "BYSECOND")


def _read_series(
    members: list[tuple[icalendar.Component, list[Attendee]]], *, now: datetime, since: datetime
) -> tuple[list[Meeting], list[str], str]:
    """A repeating meeting's occurrences from `since` up to `now` (cancelled ones left out
    and said so), with the line saying how many it gave."""
    master = next(event for event, _ in members if _repeats(event))
    title = _text(master.get("SUMMARY"))
    named = f"“{title}”" if title else "An untitled meeting"
    if reason := _unusable(master, named):
        return [], [reason], ""
    if _more_than_daily(master):
        return [], [f"{named} repeats more than once a day, as no meeting does: not read"], ""
    uid = _text(master.get("UID"))
    calendar = icalendar.Calendar()
    for number, (event, _) in enumerate(members):
        event[_MEMBER] = str(number)
        calendar.add_component(event)
    try:
        found = recurring_ical_events.of(calendar).between(since - _MARGIN, now + _MARGIN)
    except Exception as error:  # a rule it cannot follow: ValueError, InvalidCalendar...
        detail = str(error).split("\n", 1)[0][:120]
        first = _meeting(master, uid, title, next(a for e, a in members if e is master))
        first = replace(first, occurrence=first.start)
        return [first], [f"{named} repeats by a rule we cannot read ({detail}): read once"], ""
    read: list[tuple[Meeting, bool]] = []
    #: Each event's meeting, which its occurrences share but for their times.
    shared: dict[int, Meeting] = {}
    for component in found:
        number = int(component[_MEMBER])
        if number not in shared:
            its_title, its_attendees = _text(component.get("SUMMARY")), members[number][1]
            shared[number] = _meeting(component, uid, its_title, its_attendees)
        start, end, duration_minutes, all_day = _times(component)
        meeting = replace(
            shared[number],
            start=start,
            end=end,
            duration_minutes=duration_minutes,
            all_day=all_day,
            occurrence=_original_start(component) or start,
        )
        if since <= meeting.start <= now:
            read.append((meeting, _text(component.get("STATUS")).upper() == "CANCELLED"))
    read.sort(key=lambda pair: pair[0].start)
    meetings = [meeting for meeting, cancelled in read if not cancelled]
    notes = [f"{named} on {local_day(meeting.start)} was cancelled" for meeting, c in read if c]
    notes += _zone_note(master, named)
    return meetings, notes, _how_many(title, len(meetings), _moment(master, "DTSTART"), since, now)


def _more_than_daily(event: icalendar.Component) -> bool:
    """Whether a rule repeats more often than once a day (no meeting does, and a year of it
    would be thousands of occurrences)."""
    for rule in _as_list(event.get("RRULE")):
        if not isinstance(rule, icalendar.vRecur):
            continue  # a rule icalendar could not read: recurring-ical-events says why
        frequency = {str(value).upper() for value in _as_list(rule.get("FREQ"))}
        if frequency & _MORE_THAN_DAILY or any(
            len(list(_as_list(rule.get(part)))) > 1 for part in _TIMES_OF_DAY
        ):
            return True
    return False


def _how_many(title: str, count: int, began: datetime, since: datetime, now: datetime) -> str:
    """The line for a repeating meeting, such as "Weekly PCN call: 12 occurrences", saying
    so when some are out of reach."""
    name = title or "An untitled meeting"
    if began > now:
        return f"{name}: no occurrences yet (it begins on {local_day(began)})"
    occurrences = f"{count} occurrence{'s' if count != 1 else ''}" if count else "no occurrences"
    if began < since:
        return f"{name}: {occurrences} in the past year (it began on {local_day(began)})"
    return f"{name}: {occurrences}"


def local_day(moment: datetime) -> str:
    """The day of a moment in UK time, as people write it: "2 Sep 2026"."""
    day = moment.astimezone(LONDON)
    return f"{day.day} {day:%b %Y}"


def _meeting(
    event: icalendar.Component,
    uid: str,
    title: str,
    attendees: list[Attendee],
    *,
    occurrence: datetime | None = None,
) -> Meeting:
    start, end, duration_minutes, all_day = _times(event)
    organiser = _address(event.get("ORGANIZER"))
    # Each person once, in the order first listed (a dict, not a list: some meetings list
    # tens of thousands of people). icalendar holds only lines _take_attendees left to it.
    people: dict[str, None] = {}
    for address, is_person in (*attendees, *map(_attendee, _as_list(event.get("ATTENDEE")))):
        if is_person and address and address != organiser:
            people.setdefault(address)
    location = _text(event.get("LOCATION"))
    return Meeting(
        uid=uid,
        title=title,
        start=start,
        end=end,
        duration_minutes=duration_minutes,
        all_day=all_day,
        location=location,
        organiser=organiser,
        attendees=tuple(people),
        mode=_mode(event, location),
        occurrence=occurrence,
    )


def _times(event: icalendar.Component) -> tuple[datetime, datetime | None, int | None, bool]:
    """When a meeting starts and ends in UTC, for how many minutes, and whether all day."""
    start_value = event.decoded("DTSTART")
    all_day = not isinstance(start_value, datetime) or (
        _text(event.get("X-MICROSOFT-CDO-ALLDAYEVENT")).upper() == "TRUE"
        and start_value.time() == time(0)
    )
    start = _utc(event, "DTSTART", start_value)
    end: datetime | None = None
    if "DTEND" in event:
        end_value = event.decoded("DTEND")
        if isinstance(end_value, date):
            end = _utc(event, "DTEND", end_value)
    elif "DURATION" in event:
        duration = event.decoded("DURATION")
        if isinstance(duration, timedelta):
            end = start + duration
    elif all_day:
        end = _utc(event, "DTSTART", _as_date(start_value) + timedelta(days=1))
    if end is not None and end < start:
        end = None
    duration_minutes = None
    if end is not None and not all_day:
        duration_minutes = int((end - start).total_seconds() // 60)
    return start, end, duration_minutes, all_day


def _moment(event: icalendar.Component, name: str) -> datetime:
    """A date or time property in UTC."""
    return _utc(event, name, event.decoded(name))


def _original_start(event: icalendar.Component) -> datetime | None:
    """An occurrence's original start (its RECURRENCE-ID) in UTC; None if it has none, or
    one we cannot read."""
    value = event.decoded("RECURRENCE-ID") if "RECURRENCE-ID" in event else None
    return _utc(event, "RECURRENCE-ID", value) if isinstance(value, date) else None


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _utc(event: icalendar.Component, name: str, value: date) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0), tzinfo=LONDON).astimezone(UTC)
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=_zone(event[name].params.get("TZID")))
    return value.astimezone(UTC)


def _zone(tzid: object) -> tzinfo:
    """A zone for a TZID icalendar could not resolve; UK time if we do not know it either."""
    return _known_zone(tzid) or LONDON


def _known_zone(tzid: object) -> tzinfo | None:
    name = str(tzid or "").strip().strip('"')
    for candidate in (name, WINDOWS_ZONES.get(name, "")):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return None


def _zone_note(event: icalendar.Component, named: str) -> list[str]:
    if zone := _unknown_zone(event):
        return [f"{named} gives its time in a time zone we do not know ({zone}): read as UK time"]
    return []


def _unknown_zone(event: icalendar.Component) -> str:
    """The name of a time zone the meeting's start is given in that neither the file nor
    we know (so it was read as UK time), or ""."""
    value = event.decoded("DTSTART")
    tzid = event["DTSTART"].params.get("TZID")
    naive = isinstance(value, datetime) and (value.tzinfo is None or value.utcoffset() is None)
    if naive and tzid and _known_zone(tzid) is None:
        return str(tzid).strip().strip('"')
    return ""


def _mode(event: icalendar.Component, location: str) -> str:
    if any(_text(event.get(name)) for name in _VIDEO_PROPERTIES):
        return "video"
    texts = [location, _text(event.get("DESCRIPTION")), _text(event.get("URL"))]
    if any(_VIDEO_LINK.search(text) for text in texts) or _NAMED_VIDEO.match(location):
        return "video"
    if location and not (
        _NOT_A_PLACE.match(location) or _URL.match(location) or _PHONE.search(location)
    ):
        return "in_person"
    if _NAMED_PHONE.match(location) or any(_PHONE.search(text) for text in texts[:2]):
        return "phone"
    return "other"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # a property given twice: the first one counts
        value = value[0] if value else ""
    return str(value).strip()


def _as_list(value: object) -> Iterable[object]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _address(value: object) -> str:
    text = value.strip() if isinstance(value, str) else _text(value)
    if text[:7].lower() == "mailto:":
        text = text[7:].strip()
    return text.lower()
