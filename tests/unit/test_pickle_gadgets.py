"""Known gadgets, named and called by a pickle, are refused before they run.

Each pickle is written opcode by opcode: it names the gadget (STACK_GLOBAL), then calls it
(REDUCE) with arguments that would leave a trace: a file named after a token, created or opened
under the test's directory, or the token in code compiled, a module imported, a process started
(an audit hook records any such event). Gadgets that take keyword arguments are called through
`functools.partial`, whose state (BUILD) sets them. The trace must never appear. Gadgets safe to
run are also loaded without the allowlist, to show the pickle really calls them.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from handler.model.safe_pickle import RefusedGlobal, load_pipeline

PYTHON_2_NAMES = {"__builtin__": "builtins"}
TRACES: list[tuple[str, str]] = []


def _record(event: str, arguments: tuple) -> None:
    if event in ("open", "compile", "exec", "import", "os.system", "subprocess.Popen"):
        TRACES.append((event, repr(arguments)))


@dataclass(frozen=True)
class Trap:
    """Where a gadget would leave its trace: a directory and a token unique to one test."""

    directory: Path
    token: str

    @property
    def path(self) -> str:
        return str(self.directory / self.token)

    @property
    def code(self) -> str:
        return f"open({self.path!r}, 'w').close()"

    def sprung(self) -> list[str]:
        files = [str(path) for path in self.directory.glob(f"{self.token}*")]
        events = [event for event, arguments in TRACES if self.token in arguments]
        return files + events


@dataclass(frozen=True)
class Gadget:
    target: str  # "module:qualified.name"
    arguments: Callable[[Trap], tuple] = lambda trap: (trap.path,)
    keywords: Callable[[Trap], dict] | None = None
    safe_to_run: bool = False  # writes or opens only the trap file: run unchecked too

    @property
    def module(self) -> str:
        return self.target.partition(":")[0]

    @property
    def name(self) -> str:
        return self.target.partition(":")[2]

    def missing(self) -> str | None:
        """Why the gadget does not exist in this runtime, or None."""
        try:  # protocol 2 pickles name builtins `__builtin__`, which the unpickler maps
            found: Any = importlib.import_module(PYTHON_2_NAMES.get(self.module, self.module))
        except ImportError:
            return f"{self.module} does not exist here"
        for part in self.name.split("."):
            if not hasattr(found, part):
                return f"{self.target.replace(':', '.')} does not exist here"
            found = getattr(found, part)
        return None


def _code(trap: Trap) -> tuple:
    return (trap.code,)


def _shell(trap: Trap) -> tuple:
    return (f"touch {trap.path}",)


def _argv(trap: Trap) -> tuple:
    return (["touch", trap.path],)


def _module_name(trap: Trap) -> tuple:
    return (trap.token,)


GADGETS = [
    # code runners
    Gadget("numpy.testing:runstring", lambda t: (t.code, {}), safe_to_run=True),
    Gadget("numpy.testing._private.utils:runstring", lambda t: (t.code, {})),
    Gadget("numpy.testing:measure", _code),
    Gadget("numpy.testing._private.utils:measure", _code),
    Gadget("builtins:eval", _code, safe_to_run=True),
    Gadget("builtins:exec", _code, safe_to_run=True),
    Gadget("builtins:compile", lambda t: (t.code, "<pickle>", "exec")),
    Gadget("builtins:open", lambda t: (t.path, "w"), safe_to_run=True),
    Gadget("builtins:__import__", _module_name),
    Gadget("builtins:getattr", lambda t: (t.token, "upper")),
    Gadget("builtins:breakpoint", lambda t: ()),
    Gadget("__builtin__:eval", _code),
    Gadget("os:system", _shell, safe_to_run=True),
    Gadget("posix:system", _shell),
    Gadget("os:popen", _shell),
    Gadget("os:execv", lambda t: ("/usr/bin/touch", ["touch", t.path])),
    Gadget("subprocess:Popen", _argv),
    Gadget("subprocess:run", _argv),
    Gadget("subprocess:call", _argv),
    Gadget("subprocess:check_output", _argv),
    Gadget("subprocess:getoutput", _shell),
    Gadget("importlib:import_module", _module_name),
    Gadget("pydoc:locate", _module_name),
    Gadget("pkgutil:resolve_name", _module_name),
    Gadget("operator:attrgetter", _module_name),
    Gadget("operator:methodcaller", _module_name),
    Gadget("functools:reduce", lambda t: (max, [1, 2])),
    Gadget("code:InteractiveInterpreter", lambda t: ()),
    Gadget("code:interact", lambda t: ()),
    Gadget("runpy:run_path", lambda t: (t.path,)),
    Gadget("runpy:run_module", _module_name),
    Gadget("timeit:timeit", _code),
    Gadget("cProfile:run", _code),
    Gadget("pdb:run", _code),
    Gadget("ctypes:CDLL", lambda t: (t.path,)),
    Gadget("ctypes.util:find_library", _module_name),
    Gadget("pickle:loads", lambda t: (b"cos\nsystem\n(S'true'\ntR.",)),
    Gadget("marshal:loads", lambda t: (b"N",)),
    Gadget("types:FunctionType", lambda t: (t.token, {})),
    Gadget("webbrowser:open", lambda t: (f"file://{t.path}",)),
    # numpy: readers, writers, loaders of native code, import by name
    Gadget("numpy:load", lambda t: (t.path,), keywords=lambda t: {"allow_pickle": True}),
    Gadget("numpy.lib.npyio:load", lambda t: (t.path,)),
    Gadget("numpy.lib._npyio_impl:load", lambda t: (t.path,)),
    Gadget("numpy:loadtxt", lambda t: (t.path,)),
    Gadget("numpy:genfromtxt", lambda t: (t.path,)),
    Gadget("numpy:fromfile", lambda t: (t.path,)),
    Gadget("numpy:fromregex", lambda t: (t.path, "x", "u1")),
    Gadget("numpy:save", lambda t: (t.path, [1]), safe_to_run=True),
    Gadget("numpy:savetxt", lambda t: (t.path, [[1]])),
    Gadget("numpy:savez", lambda t: (t.path,)),
    Gadget("numpy:memmap", lambda t: (t.path, "uint8", "w+", 0, (1,)), safe_to_run=True),
    Gadget("numpy._core.memmap:memmap", lambda t: (t.path, "uint8", "w+", 0, (1,))),
    Gadget("numpy.core.memmap:memmap", lambda t: (t.path, "uint8", "w+", 0, (1,))),
    Gadget("numpy:DataSource", lambda t: (str(t.directory),)),
    Gadget("numpy.lib._datasource:DataSource", lambda t: (str(t.directory),)),
    Gadget("numpy.lib._datasource:open", lambda t: (t.path, "w")),
    Gadget("numpy.lib.npyio:NpzFile", lambda t: (t.path,)),
    Gadget("numpy.lib._npyio_impl:NpzFile", lambda t: (t.path,)),
    Gadget("numpy.lib.format:open_memmap", lambda t: (t.path, "w+", "u1", (1,))),
    Gadget("numpy.lib.format:read_array", lambda t: (t.path,)),
    Gadget("numpy.ctypeslib:load_library", lambda t: (t.token, str(t.directory))),
    Gadget("numpy.rec:fromfile", lambda t: (t.path,)),
    Gadget("numpy.core:_ufunc_reconstruct", lambda t: ("posix", "system")),
    Gadget("numpy._core:_ufunc_reconstruct", lambda t: ("posix", "system")),
    Gadget("numpy:test", lambda t: ()),
    Gadget("numpy._pytesttester:PytestTester", _module_name),
    # pandas
    Gadget("pandas:read_pickle", lambda t: (t.path,)),
    Gadget("pandas.io.pickle:read_pickle", lambda t: (t.path,)),
    Gadget("pandas:read_csv", lambda t: (t.path,)),
    Gadget("pandas:read_table", lambda t: (t.path,)),
    Gadget("pandas:read_fwf", lambda t: (t.path,)),
    Gadget("pandas:read_json", lambda t: (t.path,)),
    Gadget("pandas:read_html", lambda t: (t.path,)),
    Gadget("pandas:read_excel", lambda t: (t.path,)),
    Gadget("pandas:read_hdf", lambda t: (t.path,)),
    Gadget("pandas:read_stata", lambda t: (t.path,)),
    Gadget("pandas:read_sas", lambda t: (t.path,)),
    Gadget("pandas:read_clipboard", lambda t: ()),
    Gadget("pandas:eval", lambda t: (f"'{t.token}'",)),
    Gadget("pandas.core.computation.eval:eval", lambda t: (f"'{t.token}'",)),
    Gadget("pandas.core.computation.expr:Expr", lambda t: (f"'{t.token}'",)),
    Gadget("pandas:HDFStore", lambda t: (t.path, "w")),
    Gadget("pandas:ExcelFile", lambda t: (t.path,)),
    Gadget("pandas:ExcelWriter", lambda t: (t.path + ".xlsx",)),
    Gadget("pandas.io.parsers:TextFileReader", lambda t: (t.path,)),
    Gadget("pandas.io.parsers.readers:TextFileReader", lambda t: (t.path,)),
    Gadget("pandas:test", lambda t: ()),
    Gadget("pandas._testing:makeDataFrame", lambda t: ()),
    # scipy
    Gadget("scipy.io:loadmat", lambda t: (t.path,)),
    Gadget("scipy.io:savemat", lambda t: (t.path, {"a": 1}), safe_to_run=True),
    Gadget("scipy.io:mmread", lambda t: (t.path,)),
    Gadget("scipy.io:netcdf_file", lambda t: (t.path, "w")),
    Gadget("scipy.io:FortranFile", lambda t: (t.path, "w")),
    Gadget("scipy.io.wavfile:read", lambda t: (t.path,)),
    Gadget("scipy.io:readsav", lambda t: (t.path,)),
    Gadget("scipy.sparse:load_npz", lambda t: (t.path,)),
    Gadget("scipy:LowLevelCallable", lambda t: (t.token,)),
    Gadget("scipy.datasets:face", lambda t: ()),
    Gadget("scipy:test", lambda t: ()),
    Gadget("scipy._lib._testutils:PytestTester", _module_name),
    # scikit-learn
    Gadget("sklearn.datasets:fetch_openml", _module_name),
    Gadget(
        "sklearn.datasets:fetch_california_housing", lambda t: (), lambda t: {"data_home": t.path}
    ),
    Gadget("sklearn.datasets:load_svmlight_file", lambda t: (t.path,)),
    Gadget("sklearn.datasets:dump_svmlight_file", lambda t: ([[1]], [1], t.path)),
    Gadget("sklearn.utils._testing:assert_run_python_script_without_output", _code),
    Gadget("sklearn.utils._testing:assert_run_python_script", _code),
    Gadget("sklearn.utils._testing:TempMemmap", lambda t: ([1],)),
    Gadget("sklearn.utils.discovery:all_estimators", lambda t: ()),
    Gadget("sklearn:os.system", _shell),
    # joblib
    Gadget("joblib:load", lambda t: (t.path,)),
    Gadget("joblib.numpy_pickle:load", lambda t: (t.path,)),
    Gadget("joblib:dump", lambda t: (1, t.path), safe_to_run=True),
    Gadget("joblib:Memory", lambda t: (t.path,)),
    Gadget("joblib.memory:MemorizedFunc", lambda t: (max, t.path)),
    Gadget("joblib:Parallel", lambda t: ()),
    Gadget("joblib.externals.cloudpickle.cloudpickle:subimport", _module_name),
    Gadget("joblib.numpy_pickle:os.system", _shell),
    # lale: eval, exec and import by name
    Gadget(
        "lale.helpers:create_individual_op_using_reflection",
        lambda t: ("subprocess.Popen", "op", {"args": ["touch", t.path]}),
    ),
    Gadget(
        "lale.json_operator:from_json",
        lambda t: ({"kind": "IndividualOp", "class": "subprocess.Popen", "operator": "x"},),
    ),
    Gadget("lale.operators:get_op_from_lale_lib", lambda t: (dict,)),
    Gadget("lale.util.VisitorMeta:VisitorMeta", lambda t: ("X", (), {})),
    Gadget("lale.pretty_print:to_string", lambda t: (t.token,)),
    # the boosters and other libraries' loaders
    Gadget("xgboost.core:Booster", lambda t: (None, None, t.path)),
    Gadget("xgboost:Booster", lambda t: (), lambda t: {"model_file": t.path}),
    Gadget("xgboost.core:DMatrix", lambda t: (t.path,)),
    Gadget("xgboost.config:set_config", lambda t: (), lambda t: {"verbosity": 0}),
    Gadget("lightgbm.basic:Booster", lambda t: (), lambda t: {"model_file": t.path}),
    Gadget("lightgbm:Dataset", lambda t: (t.path,)),
    Gadget("gensim.utils:unpickle", lambda t: (t.path,)),
    Gadget("gensim.models.word2vec:Word2Vec.load", lambda t: (t.path,)),
    Gadget("gensim.downloader:load", _module_name),
]


def _text(value: str) -> bytes:
    encoded = value.encode()
    return b"\x8c" + bytes([len(encoded)]) + encoded  # SHORT_BINUNICODE


def _pickled_body(value: Any) -> bytes:
    """`value`'s opcodes (protocol 2: no framing), to splice into a hand-written pickle."""
    return pickle.dumps(value, protocol=2)[2:-1]


def calling_pickle(module: str, name: str, arguments: tuple) -> bytes:
    """A pickle that names `module.name` and calls it with these arguments."""
    return (
        b"\x80\x04"
        + _text(module)
        + _text(name)
        + b"\x93"  # STACK_GLOBAL
        + _pickled_body(arguments)
        + b"R."  # REDUCE, STOP
    )


def _partial_state_pickle(module: str, name: str, arguments: tuple, keywords: dict) -> bytes:
    """`functools.partial(module.name, *arguments, **keywords)()` spelled with opcodes."""
    return (
        b"\x80\x04"
        + _text("functools")
        + _text("partial")
        + b"\x93"
        + _text(module)
        + _text(name)
        + b"\x93\x94"  # STACK_GLOBAL, MEMOIZE: memo 0 is the gadget
        + b"\x85R"  # TUPLE1, REDUCE: partial(gadget)
        + b"(h\x00"  # MARK, BINGET 0
        + _pickled_body(arguments)
        + _pickled_body(keywords)
        + b"Nt"  # NONE, TUPLE: (gadget, arguments, keywords, None)
        + b"b)R."  # BUILD, EMPTY_TUPLE, REDUCE, STOP
    )


def written(gadget: Gadget, trap: Trap) -> Path:
    arguments = gadget.arguments(trap)
    if gadget.keywords is None:
        data = calling_pickle(gadget.module, gadget.name, arguments)
    else:
        data = _partial_state_pickle(gadget.module, gadget.name, arguments, gadget.keywords(trap))
    path = trap.directory / "model.pickle"
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module", autouse=True)
def audit_hook():
    """Record the events a gadget could raise (audit hooks stay for the process: they only log)."""
    sys.addaudithook(_record)


@pytest.fixture
def trap(tmp_path) -> Trap:
    directory = tmp_path / "trap"
    directory.mkdir()
    return Trap(directory, f"gadget_{uuid.uuid4().hex}")


def _parameters(gadgets: list[Gadget]) -> list[Any]:
    return [
        pytest.param(
            gadget,
            id=gadget.target if not gadget.missing() else f"{gadget.target} (absent)",
            marks=[pytest.mark.skip(reason=f"not in this runtime: {gadget.missing()}")]
            if gadget.missing()
            else [],
        )
        for gadget in gadgets
    ]


@pytest.mark.parametrize("gadget", _parameters(GADGETS))
def test_a_pickle_calling_a_known_gadget_is_refused_before_it_runs(gadget, trap):
    path = written(gadget, trap)
    with pytest.raises(RefusedGlobal) as refused:
        load_pipeline(path)
    assert "refused before it ran" in str(refused.value)
    assert gadget.name.split(".")[-1] in str(refused.value)
    assert trap.sprung() == []


@pytest.mark.parametrize("gadget", _parameters([g for g in GADGETS if g.safe_to_run]))
def test_the_gadget_pickles_really_call_their_gadget(gadget, trap):
    """Without the allowlist the same bytes run the gadget: the refusals above are real."""
    path = written(gadget, trap)
    with contextlib.suppress(Exception):  # some fail after leaving their trace
        load_pipeline(path, allow_any_global=True)
    assert trap.sprung(), f"{gadget.target} left no trace"


def test_the_trap_sees_a_file_opened_by_name(trap):
    with open(trap.path, "w"):
        pass
    os.remove(trap.path)
    assert trap.sprung() != []
