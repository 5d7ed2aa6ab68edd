"""What the lexicon's and the gazetteer's data give the engine: capitals read as cities after
locative words, flag states of merchant ships and their nisba."""

from rasad.extract.engine import extract


def _found(text: str, lang: str) -> set[tuple[str, str]]:
    result = extract(text, article_id="t", lang=lang, with_events=False)
    return {(e.id, e.type) for e in result.entities}


def test_a_capital_after_a_directional_or_suburb_word_is_the_city() -> None:
    assert ("Q3820", "PLACE") in _found("وقعت الغارة في ضاحية بيروت الجنوبية أمس.", "ar")
    assert ("Q3820", "PLACE") in _found("استهدفت الغارة الأحياء الشمالية بيروت أمس.", "ar")
    assert ("Q3766", "PLACE") in _found("Another strike hit army positions just south of Damascus.", "en")
    assert ("Q3766", "PLACE") in _found(
        "Missiles targeted areas near the Syrian capital, Damascus, on Monday.", "en"
    )


def test_a_capital_standing_for_its_government_is_still_the_country() -> None:
    assert ("Q858", "COUNTRY") in _found("وقالت دمشق إنها لن تقبل بذلك.", "ar")


def test_flag_states_and_their_nisba() -> None:
    found = _found("وأشارت إلى أن السفينة سنغافورية وترفع علم ليبيريا، ولم تقع خسائر.", "ar")
    assert {("Q334", "COUNTRY"), ("Q1014", "COUNTRY")} <= found
    found = _found("The Marshall Islands-flagged vessel and a Panamanian tanker were hit.", "en")
    assert {("Q709", "COUNTRY"), ("Q804", "COUNTRY")} <= found


def test_dual_drones_and_the_rbg_spelling_of_rpg() -> None:
    def weapons(text: str) -> list[str]:
        return [w.id for w in extract(text, article_id="t", lang="ar", with_events=False).weapons]

    assert weapons("اشتبكت المدمرة مع طائرتين مسيّرتين أُطلقتا من اليمن.") == ["drones"]
    assert weapons('استهدفوا ناقلة جند بقذيفة "RBG"، ورصدت عملية إخلاء.') == ["rpg-7"]
    assert weapons("سارت مسيرتان في شوارع المدينة أمس.") == []


def test_titles_introduce_people_the_gazetteer_lacks() -> None:
    def people(text: str, lang: str) -> set[str]:
        result = extract(text, article_id="t", lang=lang, with_events=False)
        return {e.name for e in result.entities if e.type == "PERSON"}

    assert "أسعد العيداني" in people("وقال محافظ البصرة أسعد العيداني إن الوضع مستقر.", "ar")
    assert "Hassan Zein" in people("Mayor Hassan Zein said the road was hit.", "en")
    assert people("أعلن المتحدث باسم الحكومة أن ساعات العمل تغيرت.", "ar") == set()


def test_rank_abbreviations_and_weapon_words_are_not_names() -> None:
    def people(text: str, lang: str) -> set[str]:
        result = extract(text, article_id="t", lang=lang, with_events=False)
        return {e.name for e in result.entities if e.type == "PERSON"}

    found = people("IDF Spokesperson Brig. Gen. Hidai Zilberman told Army Radio on Tuesday.", "en")
    assert found == {"Hidai Zilberman"}
    assert people("أطلقت الطائرات صواريخ جو-أرض على المواقع أمس.", "ar") == set()
    assert "باسل صالح" in people("قال المصدر إن القيادي في حركة حماس باسل صالح نجا من الضربة.", "ar")


def test_spellings_of_commands_agencies_bases_and_weapons() -> None:
    found = _found("قالت القيادة الوسطى الأميركية إن سلاح البحرية الأمريكي اعترض الصواريخ.", "ar")
    assert {("centcom", "ORG"), ("us-navy", "ORG")} <= found
    found = _found("قالت وكالة الصحافة الفرنسية إن قصفا جويا استهدف منطقة القائم أمس.", "ar")
    assert ("afp", "ORG") in found and ("al-qaim", "PLACE") in found
    assert not any(kind == "COUNTRY" for _, kind in found - {("Q796", "COUNTRY")})
    assert not any(kind == "PLACE" and ident != "al-qaim" for ident, kind in found)
    found = _found("Strikes hit south of the city of Albu Kamal and the T4 air base on Monday.", "en")
    assert {("abu-kamal", "PLACE"), ("t4-airbase", "PLACE")} <= found
    weapons = extract(
        "مددت الصفقة عقدا لشراء طائرات هليكوبتر من طراز AW119Kx وصاروخي كروز.",
        article_id="t",
        lang="ar",
        with_events=False,
    ).weapons
    assert {w.id for w in weapons} == {"aw119", "cruise-missiles"}


def test_a_plural_land_word_after_a_title_is_no_name() -> None:
    result = extract(
        'أفاد مصدر بأن "أمير تنظيم داعش لمناطق غرب بلدة العظيم قتل في اشتباكات".',
        article_id="t",
        lang="ar",
        with_events=False,
    )
    assert not [e for e in result.entities if e.type == "PERSON"]
