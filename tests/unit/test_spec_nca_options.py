"""The NCA options a spec may set (tlf/spec/derived.py) are exactly the engine's (NcaOptions), with the
same choices, and a spec's options become the engine's options unchanged."""

import typing

from tlf.spec.derived import NcaOptionsSpec
from tlf.stats import nca_model
from tlf.stats.nca_model import NcaOptions


def _choices(field: str) -> set[str]:
    ann = NcaOptionsSpec.model_fields[field].annotation
    lit = next(a for a in typing.get_args(ann) if typing.get_origin(a) is typing.Literal)
    return set(typing.get_args(lit))


def test_spec_options_mirror_the_engine():
    engine = set(NcaOptions.__dataclass_fields__) - {"units"}
    assert set(NcaOptionsSpec.model_fields) == engine
    assert _choices("auc_method") == set(nca_model.AUC_METHODS)
    for f in ("blq_before", "blq_between", "blq_after"):
        assert _choices(f) == set(nca_model.BLQ_RULES)
    assert _choices("impute_start") == set(nca_model.START_RULES)
    assert _choices("ctrough_from") == set(nca_model.CTROUGH_RULES)


def test_unset_options_keep_engine_defaults():
    spec = NcaOptionsSpec(auc_method="linlog", lambda_z_exclude=[1.0, 2.0], tau=24)
    opts = NcaOptions(**spec.given())
    assert opts.auc_method == "linlog" and opts.lambda_z_exclude == (1.0, 2.0) and opts.tau == 24
    assert opts.blq_before == NcaOptions().blq_before and opts.min_r2adj == NcaOptions().min_r2adj
    assert NcaOptions(**NcaOptionsSpec().given()) == NcaOptions()
