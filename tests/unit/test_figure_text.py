"""Figures print like a journal's: every text of a picture (titles, axis titles, tick labels, legend,
notes) is inside the picture and touches no other text, measured on the rendered figure (matplotlib's
window extents with the figure's renderer), on study A's figures and the PK / Emax figures; the columns'
points are dodged around each visit, centred on it; log axes print plain numbers."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tlf.build import build

REPO = Path(__file__).resolve().parents[2]
STUDY_A = ["f-14-2-1", "f-14-4-1", "f-14-4-2", "f-14-5-1", "f-14-5-2"]
STUDY_B = ["f-14-2-1", "f-14-2-2", "f-14-4-1"]  # by_visit with 8 columns; Emax (log axis with a break)


def _overlap(a, b, tol: float = 0.5) -> bool:
    """Two pixel boxes share more than `tol` pixels in both directions."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > tol and min(a.y1, b.y1) - max(a.y0, b.y0) > tol


def problems(fig) -> list[str]:
    """Texts of `fig` outside the picture, and pairs of texts that overlap."""
    from tlf.figures.fit import text_boxes

    boxes = text_boxes(fig)
    w, h = fig.bbox.width, fig.bbox.height
    out = [f"{kind} {text!r} clipped: {box.extents}" for kind, text, box in boxes
           if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > w + 0.5 or box.y1 > h + 0.5]
    for i, (k1, t1, b1) in enumerate(boxes):
        for k2, t2, b2 in boxes[i + 1:]:
            if _overlap(b1, b2):
                out.append(f"{k1} {t1!r} overlaps {k2} {t2!r}")
    return out


def _built_figures(specs: Path, out: Path, ids: list[str], data: Path | None = None,
                   shell: bool = False) -> dict[str, list]:
    """Build `ids` and return the matplotlib figures each one saved (caught at Figure.savefig)."""
    from matplotlib.figure import Figure

    saved: list = []
    original = Figure.savefig

    def catch(self, *args, **kwargs):
        saved.append(self)
        return original(self, *args, **kwargs)

    figures = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Figure, "savefig", catch)
        for output in ids:
            del saved[:]
            report = build(specs, out, [output], data_dir=data, formats=("docx",), shell=shell)
            assert report.ok, [str(o.error) for o in report.outputs]
            figures[output] = list(saved)
    return figures


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    out = tmp_path_factory.mktemp("figs")
    found = {f"A {k}": v for k, v in _built_figures(REPO / "specs", out / "a", STUDY_A).items()}
    found |= {f"B {k}": v for k, v in _built_figures(REPO / "examples/study_b/specs", out / "b", STUDY_B,
                                                       REPO / "tlf/examples/data/study_b").items()}
    found |= {f"A shell {k}": v for k, v in _built_figures(REPO / "specs", out / "s", STUDY_A, shell=True).items()}
    return found


@pytest.mark.parametrize("output", [f"A {k}" for k in STUDY_A] + [f"B {k}" for k in STUDY_B]
                         + [f"A shell {k}" for k in STUDY_A])
def test_no_text_overlaps_or_is_clipped(figures, output):
    assert figures[output], f"{output} saved no figure"
    for fig in figures[output]:
        assert problems(fig) == []


def test_grid_has_one_y_title(figures):
    """Study A's Figure 14.2.1 (two rows of panels sharing a y title): the title is drawn once, centred."""
    from tlf.figures.fit import text_boxes

    (fig,) = figures["A f-14-2-1"]
    ytitles = [(k, t) for k, t, _ in text_boxes(fig) if k in ("ylabel", "figure")]
    assert ytitles == [("figure", "Mean change from baseline (SE)")]


@pytest.mark.parametrize("output", ["A f-14-5-1", "A f-14-5-2", "B f-14-4-1"])
def test_log_axes_print_plain_numbers(figures, output):
    from tlf.figures.fit import text_boxes

    ticks = [t for fig in figures[output] for k, t, _ in text_boxes(fig) if k in ("xtick", "ytick")]
    assert ticks and not [t for t in ticks if "^" in t or "e" in t.lower() or "$" in t]
    assert {"1", "10"} <= set(ticks)


@pytest.mark.parametrize(("value", "text"), [(0.001, "0.001"), (0.05, "0.05"), (0.1, "0.1"), (0.3 * 3, "0.9"),
                                             (1.0, "1"), (2.5, "2.5"), (10.0, "10"), (100.0, "100"),
                                             (1e6, "1000000"), (2e-5, "0.00002")])
def test_plain_number(value, text):
    from tlf.figures.fit import plain_number

    assert plain_number(value) == text


def test_checker_finds_crowded_ticks_and_thinning_clears_them():
    """The overlap check can fail: crowded tick labels are found; fit.thin_x_labels blanks the ones that
    touch, keeping the first and the last."""
    from matplotlib.figure import Figure

    from tlf.figures.fit import thin_x_labels

    fig = Figure(figsize=(2.0, 1.5), dpi=100, layout="constrained")
    ax = fig.subplots()
    ax.plot([1, 40], [0, 1])
    ax.set_xticks([1, 3, 5, 15, 29, 40], ["Baseline", "Day 3", "Day 5", "Day 15", "Day 29", "Day 40"])
    fig.supylabel("A y title long enough to be clipped on a short picture " * 2)
    found = problems(fig)
    assert any("xtick" in p and "overlaps xtick" in p for p in found)
    assert any("clipped" in p for p in found)
    thin_x_labels(fig)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "Baseline" and labels[-1] == "Day 40" and "" in labels
    assert not [p for p in problems(fig) if "xtick" in p]


def _drawn_lines(capture):
    """The x of each drawn line (not the error bars' caps, drawn as markers only)."""
    return [(list(line.get_xdata()), line.get_color()) for ax in capture.axes for line in ax.lines
            if len(line.get_xdata()) == len(VISITS) and line.get_linestyle() not in ("None", "none", "")]


def _catch(monkeypatch):
    from matplotlib.figure import Figure

    saved = []
    original = Figure.savefig

    def catch(self, *args, **kwargs):
        saved.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", catch)
    return saved


VISITS = (1.0, 15.0, 29.0, 57.0, 85.0)


def _panel(k: int):
    from tlf.figures import draw
    from tlf.figures.style import Style, arm_style

    series = tuple(draw.Series(f"c{i}", f"Arm {i}", Style(arm_style(i)["color"], arm_style(i)["marker"]),
                               VISITS, tuple(float(i + j) for j in range(len(VISITS))),
                               tuple(float(i + j) - 0.5 for j in range(len(VISITS))),
                               tuple(float(i + j) + 0.5 for j in range(len(VISITS)))) for i in range(k))
    return draw.Panel("A", series, VISITS, tuple(f"{v:g}" for v in VISITS), "Day", "Mean")


@pytest.mark.parametrize("k", [2, 5])
def test_arms_are_dodged_around_each_visit(monkeypatch, k):
    """Each arm's line (markers and error bars with it) sits at its own x at every visit; the arms' x
    are centred on the visit, in column order, and a visit's cluster stays inside the gaps to its
    neighbours (each half at most 35% of the nearer gap), so no two visits' clusters touch."""
    from tlf.figures import draw

    saved = _catch(monkeypatch)
    draw.draw_lines([_panel(k)], width=6.0, height=3.0)
    lines = [x for x, _ in _drawn_lines(saved[-1])]
    assert len(lines) == k
    gaps = [b - a for a, b in zip(VISITS, VISITS[1:], strict=False)]
    for j, visit in enumerate(VISITS):
        at = [line[j] for line in lines]
        assert len(set(at)) == k and at == sorted(at)  # all different, in column order
        assert math.isclose(sum(at) / k, visit, abs_tol=1e-9)  # centred on the visit
        near = min(g for g in (gaps[j - 1] if j else None, gaps[j] if j < len(gaps) else None) if g)
        assert max(at) - visit <= 0.35 * near + 1e-9
        steps = {round(b - a, 9) for a, b in zip(at, at[1:], strict=False)}
        assert len(steps) == 1  # evenly spaced
    # wider gaps never give less room: the cluster at 57 (gaps 28) is at least as wide as at 15 (gaps 14)
    assert lines[-1][3] - lines[0][3] >= lines[-1][1] - lines[0][1] - 1e-9


def test_dodge_steps_closed_form():
    """5 columns, visits 1, 15, 29, 57, 85 on a 2-inch axis showing 84 days: a visit's step is 70% of the
    gap to its nearer neighbour over 5 (0.7 * 14 / 5 = 1.96 days at 1, 15 and 29), at most 0.06 inch
    (0.06 * 84 / 2 = 2.52 days: 57 and 85, whose nearer gap 28 would give 3.92)."""
    from tlf.figures.fit import dodge_offsets, dodge_steps

    steps = dodge_steps(VISITS, 5, axis_inches=2.0)
    assert steps == pytest.approx({1.0: 1.96, 15.0: 1.96, 29.0: 1.96, 57.0: 2.52, 85.0: 2.52})
    assert dodge_steps(VISITS, 1, axis_inches=2.0) == dict.fromkeys(VISITS, 0.0)
    assert dodge_offsets(5, 2.0) == [-4.0, -2.0, 0.0, 2.0, 4.0]
    assert dodge_offsets(4, 1.0) == [-1.5, -0.5, 0.5, 1.5]


def test_dodge_zero_turns_it_off(monkeypatch):
    from tlf.figures import draw

    saved = _catch(monkeypatch)
    draw.draw_lines([_panel(3)], width=6.0, height=3.0, dodge=0.0)
    assert all(x == list(VISITS) for x, _ in _drawn_lines(saved[-1]))


def test_mean_by_visit_dodges_the_same_way(monkeypatch):
    from tlf.figures.plots import Series, draw_mean_by_visit

    saved = _catch(monkeypatch)
    series = [Series(f"Arm {i}", i, VISITS, (1.0,) * 5, (0.5,) * 5, (1.5,) * 5) for i in range(4)]
    draw_mean_by_visit([("", series)], [s.label for s in series], ticks=[(v, f"{v:g}") for v in VISITS],
                       x_title="Day", y_title="Mean", reference_line=None, log_y=False, width=6.0, height=3.0)
    lines = [x for x, _ in _drawn_lines(saved[-1])]
    assert len(lines) == 4
    for j, visit in enumerate(VISITS):
        at = [line[j] for line in lines]
        assert len(set(at)) == 4 and math.isclose(sum(at) / 4, visit, abs_tol=1e-9)
