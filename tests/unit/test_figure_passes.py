"""A figure is laid out once and drawn once: the layout engine runs once (again only when thinning the x tick
labels changed their bounds) and the picture is drawn only when it is rendered, never in a pass without
rendering first (savefig does that pass for any figure that still has a layout engine). Counted on study A's
figures: constrained layout with tick labels thinned (f-14-2-1), and tight_layout (f-14-5-2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tlf.build import build

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("output, engine", [("f-14-2-1", "ConstrainedLayoutEngine"),
                                            ("f-14-5-2", "TightLayoutEngine")])
def test_one_layout_and_one_draw_per_picture(tmp_path, output, engine):
    from matplotlib import layout_engine
    from matplotlib.figure import Figure

    calls: list[str] = []
    draw, execute = Figure.draw, getattr(layout_engine, engine).execute

    def counted_draw(self, renderer):
        calls.append("draw without rendering" if getattr(renderer, "_draw_disabled_now", False) else "draw")
        return draw(self, renderer)

    def counted_execute(self, fig):
        calls.append("layout")
        return execute(self, fig)

    def disabled(renderer_cls):
        import contextlib

        original = renderer_cls._draw_disabled

        @contextlib.contextmanager
        def flagged(self):
            self._draw_disabled_now = True
            try:
                with original(self):
                    yield
            finally:
                self._draw_disabled_now = False

        return flagged

    from matplotlib.backend_bases import RendererBase

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Figure, "draw", counted_draw)
        mp.setattr(getattr(layout_engine, engine), "execute", counted_execute)
        mp.setattr(RendererBase, "_draw_disabled", disabled(RendererBase))
        report = build(REPO / "specs", tmp_path, [output], formats=("docx",))
    assert report.ok, [str(o.error) for o in report.outputs]
    assert calls == ["layout", "draw"], calls
