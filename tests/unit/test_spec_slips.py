"""Spec keys that were accepted and did nothing (a table then printed numbers the author did not ask
for, with no word of it): each is now a located error naming the key and what to write instead."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from tests.conftest import DEMOG_YAML, write_study
from tlf.analyses.ancova.spec import EXAMPLES as ANCOVA_EXAMPLES
from tlf.analyses.ancova.spec import AncovaAnalysis
from tlf.analyses.emax.spec import EXAMPLES as EMAX_EXAMPLES
from tlf.analyses.emax.spec import EmaxAnalysis
from tlf.errors import SpecError
from tlf.spec.validate import load_study


@pytest.mark.parametrize("key, value", [("where", '"AGE > 60"'), ("dataset", "adsl")])
def test_correlation_refuses_an_analysis_level_filter_it_would_ignore(tmp_path, key, value):
    line = (f"  - {{id: c, type: correlation, {key}: {value}, x: {{dataset: adsl, var: AGE}}, "
            "y: {dataset: adsl, var: WEIGHT}}\n")
    specs = write_study(tmp_path, outputs={"t-demog": DEMOG_YAML.replace("analyses:\n", "analyses:\n" + line)})
    with pytest.raises(SpecError, match=rf"t-demog\.yaml:8:5: analyses\[0\]: a correlation reads its records "
                                        rf"through `x` and `y`: move `{key}` into `x\.{key}`"):
        load_study(specs)
    fine = line.replace(f"{key}: {value}, ", "", 1)  # x and y carry their own
    load_study(write_study(tmp_path / "ok", outputs={"t-demog": DEMOG_YAML.replace("analyses:\n", "analyses:\n" + fine)}))


def test_ancova_labels_name_rows_that_exist():
    spec = yaml.safe_load(ANCOVA_EXAMPLES["ancova"])
    AncovaAnalysis.model_validate({**spec, "labels": {"diff_pvalue": "p-value vs {ref}"}})
    with pytest.raises(ValidationError, match="diff_pval"):  # a typo used to leave the default label silently
        AncovaAnalysis.model_validate({**spec, "labels": {"diff_pval": "p-value vs {ref}"}})


@pytest.mark.parametrize("key, value", [("where", "ANL01FL == 'Y'"), ("time", "NRRLT")])
def test_emax_concentration_filters_of_the_response_record_itself_are_refused(key, value):
    spec = yaml.safe_load(EMAX_EXAMPLES["emax"])
    EmaxAnalysis.model_validate({**spec, "concentration": {**spec["concentration"], key: value}})  # another dataset
    own = {"var": "CONC", key: value}  # the response record's own concentration: nothing to filter or match
    with pytest.raises(ValidationError, match=rf"`concentration\.{key}` applies only to concentrations of another"):
        EmaxAnalysis.model_validate({**spec, "concentration": own})
    EmaxAnalysis.model_validate({**spec, "concentration": {"var": "CONC"}})


def test_decimals_of_n_in_a_continuous_summary_is_an_error(tmp_path):
    y = DEMOG_YAML.replace("{id: age, type: continuous,", "{id: age, type: continuous, decimals: {n: 1},")
    with pytest.raises(SpecError, match=r"analyses\[\d\]\.decimals: n always prints as a whole number"):
        load_study(write_study(tmp_path, outputs={"t-demog": y}))
