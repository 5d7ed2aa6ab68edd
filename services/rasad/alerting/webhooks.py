"""What a notification says: the bodies posted to webhooks (pure).

* :func:`generic_body`: the alert as JSON (the ``alerts`` topic's message) under an envelope
  naming the event, for any receiver;
* :func:`slack_body`: a Slack-compatible incoming-webhook body (``text`` plus ``blocks``).
  Alert text is escaped as Slack documents (``& < >``), so a name or headline cannot ping a
  channel or forge a link; article titles go in a ``plain_text`` block, which Slack does not
  format at all, and the notification fallback ``text`` is sent with ``mrkdwn: false``;
* :func:`alertmanager_body`: the list Alertmanager's ``POST /api/v2/alerts`` takes.

:func:`check_target` keeps outbound requests to the hosts an operator allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from rasad.common.errors import ConfigError
from rasad.common.messages import Alert

GENERIC_EVENT = "rasad.alert"
ALERTNAME = "RasadSpike"
#: How long Alertmanager keeps a firing alert without a fresh post (``endsAt``).
ALERTMANAGER_HOLD = timedelta(hours=2)
SLACK_MAX_TITLES = 5
SLACK_MAX_TEXT = 300

_SEVERITY_MARK = {"info": ":information_source:", "warning": ":warning:", "critical": ":rotating_light:"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SLACK_SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def check_target(url: str, allowed_hosts: Iterable[str]) -> str:
    """``url`` when it is http(s) to an allowed host; ConfigError naming the URL otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"webhook URL {url!r}: expected an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise ConfigError(f"webhook URL for host {parts.hostname}: credentials in the URL are not allowed")
    allowed = {h.strip().lower().rstrip(".") for h in allowed_hosts if h.strip()}
    if parts.hostname.lower().rstrip(".") not in allowed:
        raise ConfigError(
            f"webhook URL host {parts.hostname!r} is not in RASAD_ALERTING_WEBHOOK_ALLOWED_HOSTS "
            f"({', '.join(sorted(allowed)) or 'empty'})"
        )
    return url


def generic_body(alert: Alert) -> dict[str, Any]:
    return {"event": GENERIC_EVENT, "alert": alert.model_dump(mode="json")}


# -- Slack -------------------------------------------------------------------------------


def one_line(text: str, limit: int = SLACK_MAX_TEXT) -> str:
    """Control characters and line breaks folded to spaces, length bounded."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slack_escape(text: str, limit: int = SLACK_MAX_TEXT) -> str:
    """Text safe in a Slack message: ``& < >`` escaped (no mentions, no links), one line."""
    return one_line(text, limit).translate(_SLACK_SPECIAL)


def _code(text: str) -> str:
    """Escaped text inside inline code; backticks would end the span, so they go."""
    return "`" + slack_escape(text).replace("`", "'") + "`"


def _ratio_text(alert: Alert) -> str:
    return f"{alert.ratio:.1f}x" if alert.ratio is not None else "new (no baseline)"


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def slack_headline(alert: Alert) -> str:
    state = {"firing": "Spike", "update": "Spike continues", "resolved": "Resolved"}[alert.status]
    return (
        f"{_SEVERITY_MARK[alert.severity]} *{state}: {slack_escape(alert.name)}* "
        f"({slack_escape(alert.kind)} {_code(alert.key)}), {alert.severity}"
    )


def slack_body(alert: Alert) -> dict[str, Any]:
    headline = slack_headline(alert)
    facts = (
        f"{alert.observed} stories in {_when(alert.window_start)} – {_when(alert.window_end)}, "
        f"expected {alert.expected:.1f} ({_ratio_text(alert)}), p = {alert.p_value:.2g}"
    )
    titles = [f"• {one_line(a.title or a.id, 150)} ({a.id})" for a in alert.articles[:SLACK_MAX_TITLES]]
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": headline}},
        {"type": "section", "text": {"type": "mrkdwn", "text": facts}},
    ]
    if titles:  # plain_text: Slack formats none of it
        blocks.append({"type": "section", "text": {"type": "plain_text", "text": "\n".join(titles)}})
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"alert {_code(alert.alert_id)}"}]}
    )
    fallback = f"{alert.status}: {slack_escape(alert.name)} ({alert.severity}), {facts}"
    return {"text": fallback, "mrkdwn": False, "blocks": blocks}


# -- Alertmanager ------------------------------------------------------------------------


def alertmanager_body(alert: Alert, generator_url: str | None = None) -> list[dict[str, Any]]:
    """One postable alert; ``resolved`` ends it at the window's end, others hold it open."""
    starts = alert.first_seen or alert.window_start
    ends = alert.window_end if alert.status == "resolved" else alert.window_end + ALERTMANAGER_HOLD
    titles = "; ".join(a.title or a.id for a in alert.articles)
    item: dict[str, Any] = {
        "labels": {
            "alertname": ALERTNAME,
            "severity": alert.severity,
            "kind": alert.kind,
            "key": alert.key,
            "alert_id": alert.alert_id,
        },
        "annotations": {
            "summary": f"{alert.name}: {alert.observed} stories, expected {alert.expected:.1f}",
            "description": (
                f"{alert.kind} {alert.key} ({alert.name}) in {alert.window_start.isoformat()} .. "
                f"{alert.window_end.isoformat()}: observed {alert.observed}, expected "
                f"{alert.expected:.2f}, ratio {_ratio_text(alert)}, p {alert.p_value:.3g}"
            ),
            "articles": titles,
            "article_ids": ",".join(alert.article_ids),
        },
        "startsAt": starts.isoformat(),
        "endsAt": ends.isoformat(),
    }
    if generator_url:
        item["generatorURL"] = generator_url
    return [item]
