from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import pytest

from rasad.alerting.webhooks import (
    ALERTMANAGER_HOLD,
    ALERTNAME,
    alertmanager_body,
    check_target,
    generic_body,
    slack_body,
    slack_escape,
)
from rasad.common.errors import ConfigError
from rasad.common.messages import Alert, AlertArticle

MakeAlert = Callable[..., Alert]


def test_generic_body_carries_the_alert_message(make_alert: MakeAlert) -> None:
    alert = make_alert()
    body = json.loads(json.dumps(generic_body(alert)))
    assert body["event"] == "rasad.alert"
    assert Alert.model_validate(body["alert"]) == alert


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel> alert", "&lt;!channel&gt; alert"),
        ("<https://evil.example|click>", "&lt;https://evil.example|click&gt;"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("&lt; stays literal", "&amp;lt; stays literal"),
        ("two\nlines\r\nand\ttab", "two lines and tab"),
        ("صواريخ إس-400 <تصل>", "صواريخ إس-400 &lt;تصل&gt;"),
    ],
)
def test_slack_escape(raw: str, escaped: str) -> None:
    assert slack_escape(raw) == escaped


def test_slack_escape_bounds_length() -> None:
    assert len(slack_escape("x" * 1000, limit=50)) == 50


def test_slack_body_escapes_every_piece_of_alert_text(make_alert: MakeAlert) -> None:
    alert = make_alert(
        name="<!here> S-400 & co",
        key="s-400`<x>",
        articles=[AlertArticle(id="a1", title="*bold* <!channel> headline\nsecond line")],
        article_ids=["a1"],
    )
    body = slack_body(alert)
    mrkdwn = [
        b["text"]["text"] for b in body["blocks"] if b["type"] == "section" and b["text"]["type"] == "mrkdwn"
    ]
    rendered = " ".join([body["text"], *mrkdwn])
    assert "<!" not in rendered and "<x>" not in rendered
    assert "&lt;!here&gt; S-400 &amp; co" in mrkdwn[0]
    assert "`s-400'&lt;x&gt;`" in mrkdwn[0]  # the backtick cannot close the code span
    titles = [b for b in body["blocks"] if b["type"] == "section" and b["text"]["type"] == "plain_text"]
    assert titles == [
        {
            "type": "section",
            "text": {"type": "plain_text", "text": "• *bold* <!channel> headline second line (a1)"},
        }
    ]
    assert body["mrkdwn"] is False


def test_slack_body_states_the_evidence(make_alert: MakeAlert) -> None:
    body = slack_body(make_alert(ratio=None, expected=0.0))
    facts = body["blocks"][1]["text"]["text"]
    assert "14 stories" in facts and "no baseline" in facts and "p = 1e-09" in facts
    assert body["blocks"][2]["text"]["text"].splitlines() == ["• First (a1)", "• a2 (a2)"]


def test_alertmanager_body_firing_is_held_open(make_alert: MakeAlert) -> None:
    alert = make_alert()
    [item] = alertmanager_body(alert, generator_url="http://rasad.example/alerts?key=s-400")
    assert item["labels"] == {
        "alertname": ALERTNAME,
        "severity": "critical",
        "kind": "weapon",
        "key": "s-400",
        "alert_id": "0123456789abcdef",
    }
    assert all(isinstance(v, str) for v in [*item["labels"].values(), *item["annotations"].values()])
    assert datetime.fromisoformat(item["startsAt"]) == alert.first_seen
    assert datetime.fromisoformat(item["endsAt"]) == alert.window_end + ALERTMANAGER_HOLD
    assert item["annotations"]["article_ids"] == "a1,a2"
    assert item["generatorURL"] == "http://rasad.example/alerts?key=s-400"


def test_alertmanager_body_resolved_ends_at_the_window(make_alert: MakeAlert) -> None:
    alert = make_alert(status="resolved", first_seen=None)
    [item] = alertmanager_body(alert)
    assert datetime.fromisoformat(item["endsAt"]) == alert.window_end
    assert datetime.fromisoformat(item["startsAt"]) == alert.window_start
    assert "generatorURL" not in item


def test_check_target_allows_listed_hosts_only() -> None:
    assert check_target("http://127.0.0.1:9000/hook", ["127.0.0.1"]) == "http://127.0.0.1:9000/hook"
    assert check_target("https://Hooks.Slack.com/services/x", ["hooks.slack.com"])
    with pytest.raises(ConfigError, match=r"'evil\.example' is not in"):
        check_target("https://evil.example/hook", ["hooks.slack.com"])
    with pytest.raises(ConfigError, match="empty"):
        check_target("https://hooks.slack.com/x", [])


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "127.0.0.1:9000", "http:///path", "file:///etc/passwd"])
def test_check_target_refuses_non_http(url: str) -> None:
    with pytest.raises(ConfigError, match="http"):
        check_target(url, ["127.0.0.1"])


def test_check_target_refuses_credentials_in_url() -> None:
    with pytest.raises(ConfigError, match="credentials"):
        check_target("http://user:secret@127.0.0.1/x", ["127.0.0.1"])
