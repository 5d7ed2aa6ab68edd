"""The spike detector on arbitrary count streams: no exception, and every alert it emits is
well-formed (probabilities in range, windows ordered, evidence from the stream)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rasad.alerting.detector import DetectorConfig
from rasad.counting.facts import ArticleFacts, Fact
from tests.unit.alerting.alerting_streams import HOUR, MONDAY, automatic, replay

KEYS = st.sampled_from(["a", "b", "ب", "\u202ec", "<img src=x>", "k" * 200])
FACTS = st.lists(st.tuples(st.sampled_from(["entity", "weapon", "keyword"]), KEYS), max_size=4)


@st.composite
def streams(draw: st.DrawFn) -> list[ArticleFacts]:
    n = draw(st.integers(0, 120))
    span_h = draw(st.integers(1, 72))
    articles = []
    for i in range(n):
        at = MONDAY + draw(st.integers(0, span_h * HOUR))
        facts = tuple(Fact(kind, key, key) for kind, key in dict.fromkeys(draw(FACTS)))  # type: ignore[arg-type]
        story = f"s{draw(st.integers(0, max(0, n // 2)))}"
        source = draw(st.sampled_from(["w0", "w1", "w2", "", "مصدر"]))
        articles.append(ArticleFacts(f"a{i}", story, source, at, draw(st.text(max_size=10)), facts))
    return sorted(articles, key=lambda a: a.event_time)


CONFIGS = st.builds(
    DetectorConfig,
    window=st.sampled_from([600, 3600]),
    baseline=st.sampled_from([3600, 6 * 3600, 7 * 86400]),
    guard=st.sampled_from([60, 7200]),
    cycle=st.sampled_from([60, 300]),
    alpha=st.sampled_from([0.5, 0.05, 0.001]),
    correction=st.sampled_from(["bh", "bonferroni"]),
    test=st.sampled_from(["binomial", "fisher"]),
    min_stories=st.integers(1, 4),
    min_sources=st.integers(1, 3),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles=streams(), config=CONFIGS)
def test_any_stream_gives_well_formed_alerts(articles: list[ArticleFacts], config: DetectorConfig) -> None:
    alerts = replay(articles, automatic(config, min_stories=config.min_stories))
    ids = {a.article_id for a in articles}
    for alert in alerts:
        assert 0.0 <= alert.p_value <= 1.0
        assert alert.window_start < alert.window_end
        assert alert.observed >= 0 and alert.expected >= 0.0
        assert alert.ratio is None or alert.ratio >= 0.0
        assert set(alert.article_ids) <= ids
