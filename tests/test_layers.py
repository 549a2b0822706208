"""The layers run one way (pyproject.toml, [tool.importlinter]): deal/ imports
no app, people/ never imports conversations/, and each part on top is
imported by nothing below it. Imports inside functions count too."""

from importlinter.cli import lint_imports


def test_the_layers_run_one_way():
    assert lint_imports(no_cache=True) == 0, "an import runs the wrong way (see the output above)"
