"""Specs: YAML loading with locations (load), the pydantic models (model), checks (validate).

Analysis and plot types defined in their own modules (pk.py, pk_figures.py) subclass models of
model.py, which lists them in its unions; importing model first lets any of them be imported first.
"""

from tlf.spec import model as _model  # noqa: F401
