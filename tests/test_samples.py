"""The committed sample workbooks are what samples/build.py builds from the seed data. To change a sample, change
build.py, run `python samples/build.py`, and review the diff with `xlpy validate` / `xlpy compute`."""

import importlib.util

import pytest

from compare import assert_same_workbook
from conftest import SAMPLES


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("samples_build", SAMPLES / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("samples")
    return {p.relative_to(out).as_posix(): p for p in module.build(out)}


def test_every_built_sample_is_committed_and_equal(built):
    assert built, "build.py built nothing"
    for name, path in built.items():
        assert (SAMPLES / name).exists(), f"{name} is built but not committed"
        assert_same_workbook(SAMPLES / name, path)
