import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rasad.common.messages import Extraction
from rasad.extract.engine import EXTRACTOR_VERSION, extract

SEED = Path(__file__).parents[2] / "data" / "articles" / "seed.jsonl"


def run(text: str, lang: str | None = None) -> Extraction:
    return extract(text, article_id="t-1", lang=lang, with_events=False)


def ids(result: Extraction) -> dict[str, str]:
    return {e.id: e.type for e in result.entities}


def assert_offsets(text: str, result: Extraction) -> None:
    for item in [*result.entities, *result.weapons]:
        for mention in item.mentions:
            assert text[mention.start : mention.end] == mention.text


@pytest.mark.parametrize("word", ["بالعراق", "والعراق", "للعراق", "فالعراق", "وبالعراق", "العراق"])
def test_proclitics_before_the_article(word: str) -> None:
    text = f"وصل الوفد {word} أمس."
    result = run(text)
    assert ids(result).get("Q796") == "COUNTRY"
    assert_offsets(text, result)


@pytest.mark.parametrize("word", ["لروسيا", "وروسيا", "بروسيا", "روسيا"])
def test_proclitics_before_a_name_without_article(word: str) -> None:
    assert "Q159" in ids(run(f"قال إن {word} مستعدة."))


def test_clitics_do_not_make_matches_inside_words() -> None:
    assert "Q159" not in ids(run("كتب الروسيات كثيرا عن كروسياتهم"))
    assert ids(run("سافر إلى عمانوئيل")) == {}


def test_soleimani_is_one_entity_across_spellings() -> None:
    text = "قتل قاسم سليماني. وكان سليمانى قائدا. ونعى الحرس الثوري سليماني."
    result = run(text)
    people = [e for e in result.entities if e.type == "PERSON"]
    assert [p.id for p in people] == ["qasem-soleimani"]
    assert len(people[0].mentions) == 3
    assert_offsets(text, result)


def test_nisba_adjectives_mention_the_country() -> None:
    result = run("قال مسؤول إيراني إن الطائرات الروسية والمستشارين الأميركيين غادروا.")
    found = ids(result)
    assert found == {"Q794": "COUNTRY", "Q159": "COUNTRY", "Q30": "COUNTRY"}


def test_a_capital_stands_for_its_government_unless_it_is_a_place() -> None:
    gov = ids(run("اتهمت واشنطن طهران بالوقوف وراء الهجوم."))
    assert gov.get("Q30") == "COUNTRY" and gov.get("Q794") == "COUNTRY"
    assert "Q61" not in gov
    place = ids(run("انفجرت سيارة في بغداد صباح اليوم."))
    assert place.get("Q1530") == "PLACE" and "Q796" not in place


def test_english_gives_the_same_ids() -> None:
    arabic = ids(run("أكد الحرس الثوري الإيراني أن كتائب حزب الله تلقت صواريخ باليستية من إيران."))
    english = ids(
        run("Iran's Revolutionary Guards said Kataib Hezbollah received ballistic missiles from Iran.")
    )
    assert {"irgc", "kataib-hezbollah", "Q794"} <= set(arabic) & set(english)


def test_weapon_systems_of_the_sample_article() -> None:
    first = json.loads(SEED.read_text(encoding="utf-8").splitlines()[0])
    result = extract(first["text"], article_id=first["id"], with_events=False)
    assert {w.id for w in result.weapons} == {
        "s-400", "buk-m3", "tor-m2", "tos-1a", "mi-35", "mi-28ne", "su-25", "t-90", "pantsir-s1",
    }  # fmt: skip
    assert_offsets(first["text"], result)
    assert result.extractor_version == EXTRACTOR_VERSION


def test_related_headlines_and_tags_do_not_count() -> None:
    first = json.loads(SEED.read_text(encoding="utf-8").splitlines()[0])
    found = ids(extract(first["text"], article_id=first["id"], with_events=False))
    assert "Q224" not in found  # Croatia appears only in the related headlines
    assert "ain-al-asad" not in found


def test_people_from_titles_get_a_stable_name_id() -> None:
    text = "والتقى السفير الروسي لدى العراق ماكسيم ماكسيموف بالوزير. وقال ماكسيموف إن التعاون مستمر."
    people = [e for e in run(text).entities if e.type == "PERSON"]
    assert len(people) == 1
    assert people[0].id == "name:ماكسيم_ماكسيموف" and people[0].wikidata is None
    assert [m.text for m in people[0].mentions] == ["ماكسيم ماكسيموف", "ماكسيموف"]


def test_titles_followed_by_common_words_are_not_people() -> None:
    text = "وقال رئيس الوزراء إن الحكومة العراقية ستبحث الأمر، وأكد وزير الدفاع أن هناك رغبة كاملة."
    assert [e for e in run(text).entities if e.type == "PERSON"] == []


def test_cased_aliases_need_their_case() -> None:
    assert "Q30" in ids(run("The US said it would respond.", lang="en"))
    assert "Q30" not in ids(run("He told us it would respond.", lang="en"))
    assert "patriot" in {w.id for w in run("Iraq asked for Patriot batteries.").weapons}
    assert "patriot" not in {w.id for w in run("He is a patriot.").weapons}


def test_language_is_guessed_when_missing() -> None:
    assert run("روسيا والعراق").lang == "ar"
    assert run("Russia and Iraq").lang == "en"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(
                ["بالعراق", "سليمانى", "إس-400", "الرئيس", "محمد", "\n", "الموضوعات المتعلقة", "US"]
            ),
        ),
        max_size=20,
    ).map(" ".join)
)
def test_any_text_gives_offsets_that_slice_the_input(text: str) -> None:
    result = extract(text, article_id="h-1", with_events=False)
    assert_offsets(text, result)
