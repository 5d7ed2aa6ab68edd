"""Quality thresholds on the gold annotations; raised as the engine improves."""

from rasad.extract.evaluate import DATA_DIR, evaluate_set


def test_seed_articles() -> None:
    report = evaluate_set(DATA_DIR, "seed")
    assert report.row("entities (typed)").f1 >= 0.97
    assert report.row("entities (untyped)").f1 >= 0.97
    assert report.row("weapons").f1 >= 0.99


def test_held_out_articles() -> None:
    report = evaluate_set(DATA_DIR, "heldout")
    assert report.row("entities (typed)").f1 >= 0.95
    assert report.row("entities (untyped)").f1 >= 0.95
    assert report.row("weapons").f1 >= 0.95


def test_second_held_out_articles() -> None:
    report = evaluate_set(DATA_DIR, "heldout2")
    assert report.row("entities (typed)").f1 >= 0.94
    assert report.row("entities (untyped)").f1 >= 0.94
    assert report.row("weapons").f1 >= 0.88


def test_third_held_out_articles() -> None:
    report = evaluate_set(DATA_DIR, "heldout3")
    assert report.row("entities (typed)").f1 >= 0.93
    assert report.row("entities (untyped)").f1 >= 0.94
    assert report.row("weapons").f1 >= 0.99


def test_fourth_held_out_articles() -> None:
    report = evaluate_set(DATA_DIR, "heldout4")
    assert report.row("entities (typed)").f1 >= 0.90
    assert report.row("entities (untyped)").f1 >= 0.91
    assert report.row("weapons").f1 >= 0.99


def test_fifth_held_out_articles() -> None:
    """Measured untuned at entities F1 0.870 and 0.867, weapons 0.833 and 0.880; 0.961 and 0.963
    after its misses were looked at."""
    report = evaluate_set(DATA_DIR, "heldout5")
    assert report.row("entities (typed)").f1 >= 0.95
    assert report.row("entities (untyped)").f1 >= 0.95
    assert report.row("weapons").f1 >= 0.95


def test_sixth_held_out_articles() -> None:
    """Untuned: measured once at entities F1 0.884 typed and untyped (P 0.924, R 0.846), weapons
    0.846 (P 1.000, R 0.733)."""
    report = evaluate_set(DATA_DIR, "heldout6")
    assert report.row("entities (typed)").f1 >= 0.88
    assert report.row("entities (untyped)").f1 >= 0.88
    assert report.row("weapons").f1 >= 0.84
