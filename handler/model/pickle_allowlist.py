"""What a pipeline pickle may name: classes of the libraries pipelines use, and functions by name.

A pickle runs every global it names: REDUCE calls it with arguments the pickle chooses. Any
module-level function of a large package may be a gadget (`numpy.testing.runstring` execs a
string, `numpy.load` opens a file and unpickles it), so functions are admitted only from
`RECONSTRUCTORS`, a named list of the functions these libraries' pickles use to rebuild objects
(drawn up with `python -m tools.pickle_globals` over every kind in `tests/pickled_kinds.py`).

Classes of the admitted modules are admitted, except those a pickle could use to read, write or
fetch files, or to evaluate code, when it calls them: a class is refused when its module or the
module of a class it derives from has a segment in `REFUSED_SEGMENTS` (`pandas.io`,
`numpy.testing`, `numpy._core.memmap`, ...) or when it, or a class it derives from, is in
`REFUSED_CLASSES`. The few classes pipelines need whose constructor loads a file
(`NEWOBJ_ONLY_CLASSES`, xgboost's and LightGBM's boosters) may only be created the way their
pickles create them, without calling the constructor. Calling a numpy ufunc only computes, so
ufuncs (`numpy.sqrt`, which AutoAI's feature engineering holds) pass too. Nothing else does.
docs/security.md explains each choice.
"""

from __future__ import annotations

# Modules whose classes pipelines are made of, by name prefix (a package admits its submodules).
# joblib and gensim are utility libraries with process pools, caches and file corpora: only
# the modules whose classes their pickles hold are admitted.
CLASS_MODULES = (
    "autoai_libs", "lale", "sklearn", "numpy", "scipy", "pandas", "xgboost", "lightgbm",
    "snapml", "joblib.numpy_pickle", "joblib.numpy_pickle_compat", "gensim.models.word2vec",
    "gensim.models.keyedvectors", "collections", "datetime", "decimal", "uuid", "re", "enum",
    "numbers", "functools", "pytz", "dateutil",
    # fairness-mitigated pipelines: lale's aif360 operators hold aif360's and BlackBoxAuditing's
    "aif360.algorithms", "BlackBoxAuditing.repairers",
    # time-series pipelines: autoai-ts-libs' pipeline, forecasters, window transformers and
    # imputers (not its vendored `deps`: tspy's Java bridge, watson_core's config and file loaders)
    "autoai_ts_libs.utils", "autoai_ts_libs.srom", "autoai_ts_libs.sklearn",
    "autoai_ts_libs.transforms", "autoai_ts_libs.watfore", "autoai_ts_libs.lale",
)  # fmt: skip

# Builtin classes pickles of these libraries use (protocol 2 pickles write `__builtin__`).
BUILTIN_CLASSES = frozenset(
    ("bool", "bytearray", "bytes", "complex", "dict", "float", "frozenset", "int", "list",
     "object", "range", "set", "slice", "str", "tuple", "type", "long", "xrange", "unicode")
)  # fmt: skip
BUILTIN_VALUES = frozenset(("Ellipsis", "NotImplemented", "None", "True", "False"))

# The only functions a pickle may name. Each rebuilds an object from its pickled state and calls
# nothing the pickle chose except classes and functions that passed this allowlist themselves.
RECONSTRUCTORS = frozenset(
    (
        # numpy arrays, scalars and byte buffers (numpy 1 names, then numpy 2's)
        "numpy.core.multiarray._reconstruct",
        "numpy.core.multiarray.scalar",
        "numpy.core.numeric._frombuffer",
        "numpy._core.multiarray._reconstruct",
        "numpy._core.multiarray.scalar",
        "numpy._core.numeric._frombuffer",
        # numpy masked arrays
        "numpy.ma.core._mareconstruct",
        # numpy random state (RandomState, Generator, their bit generators)
        "numpy.random._pickle.__randomstate_ctor",
        "numpy.random._pickle.__generator_ctor",
        "numpy.random._pickle.__bit_generator_ctor",
        # pandas frames, series, indexes, timestamps and timedeltas
        "pandas._libs.internals._unpickle_block",
        "pandas.core.internals.blocks.new_block",
        "pandas.core.indexes.base._new_Index",
        "pandas.core.indexes.datetimes._new_DatetimeIndex",
        "pandas.core.indexes.interval._new_IntervalIndex",
        "pandas.core.indexes.period._new_PeriodIndex",
        "pandas._libs.tslibs.timestamps._unpickle_timestamp",
        "pandas._libs.tslibs.timedeltas._timedelta_unpickle",
        "pandas._libs.tslibs.nattype.__nat_unpickle",
        # pytz time zones of pandas timestamps
        "pytz._UTC",
        "pytz._p",
        # Python's own: objects of classes without __reduce__ in protocols 0 and 1, bytes in
        # protocols 0 to 2, regular expressions
        "copyreg._reconstructor",
        "copy_reg._reconstructor",
        "copyreg.__newobj__",
        "_codecs.encode",
        "re._compile",
        # gensim (autoai-libs 1's Word2VecTransformer): a Word2Vec model's hash function, and
        # the stub its instances hold in place of the `load` classmethod
        "builtins.hash",
        "__builtin__.hash",
        "gensim.utils.call_on_class_only",
        # autoai-libs feature engineering: the functions TA1, TA2 and TGen apply and the
        # column constraints they check, pure computations on arrays
        "autoai_libs.cognito.transforms.textras_methods.cube",
        "autoai_libs.cognito.transforms.textras_methods.sigmoid",
        "autoai_libs.cognito.transforms.textras_methods.speed",
        "autoai_libs.cognito.transforms.textras_methods.distance",
        "autoai_libs.cognito.transforms.textras_methods.m_distance",
        "autoai_libs.cognito.transforms.textras_methods.hash_pair",
        "autoai_libs.cognito.transforms.textras_methods.dummyret2",
        "autoai_libs.utils.fc_methods.is_categorical",
        "autoai_libs.utils.fc_methods.is_categorical_mult_cats",
        "autoai_libs.utils.fc_methods.is_constant",
        "autoai_libs.utils.fc_methods.is_distance",
        "autoai_libs.utils.fc_methods.is_epoch",
        "autoai_libs.utils.fc_methods.is_latitude",
        "autoai_libs.utils.fc_methods.is_longitude",
        "autoai_libs.utils.fc_methods.is_lt80pc_unique_int",
        "autoai_libs.utils.fc_methods.is_non_negative",
        "autoai_libs.utils.fc_methods.is_not_all_non_negative",
        "autoai_libs.utils.fc_methods.is_not_categorical",
        "autoai_libs.utils.fc_methods.is_positive",
        "autoai_libs.utils.fc_methods.is_string_in_datetime_format",
    )
)
# A bound method is pickled as `getattr(instance, name)`, and `getattr` reaches anything an object
# leads to, so it is admitted only as that call, with an instance of one of these classes and one
# of its method names; nowhere else in a pickle (not as an argument, not in an object's state).
BOUND_METHOD_GETTER = "builtins.getattr"
BOUND_METHODS = {
    # autoai-ts-libs' windowed target regressor keeps its own methods as its transformer's functions
    "autoai_ts_libs.sklearn.mvp_windowed_transformed_target_estimators."
    "AutoaiWindowTransformedTargetRegressor": frozenset(("function", "inverse_function")),
}
# Cython's generated `__pyx_unpickle_<Class>(type, checksum, state)` rebuilds a compiled class
# (scikit-learn's trees, numpy's SeedSequence, pandas' arrays, autoai-libs' classes); it is
# admitted in an admitted module only.
CYTHON_RECONSTRUCTOR_PREFIX = "__pyx_unpickle_"

# A class is refused when a segment of its module's name (or of a base class's) is one of these:
# readers and writers of files (io, npyio, memmap, _datasource), test helpers that run code
# (testing, _testing, tests, _pytesttester, _testutils), downloads (datasets), expression
# evaluation (computation), compilers and loaders of native code (f2py, distutils, ctypeslib),
# caches, process pools and vendored code (externals, memory, parallel), plotting backends.
REFUSED_SEGMENTS = frozenset(
    ("io", "_io", "npyio", "_npyio_impl", "memmap", "_datasource", "_iotools", "format",
     "testing", "_testing", "tests", "test", "conftest", "_pytesttester", "_testutils",
     "datasets", "datasource", "computation", "f2py", "distutils", "ctypeslib", "externals",
     "memory", "parallel", "plotting", "_config", "util", "downloader", "corpora", "scripts")
)  # fmt: skip
# Classes outside those modules that still read files or load native code when called.
REFUSED_CLASSES = frozenset(
    (
        "numpy.memmap",
        "numpy.DataSource",
        "numpy.lib.npyio.DataSource",
        "numpy.lib.npyio.NpzFile",
        "numpy.lib._npyio_impl.NpzFile",
        "pandas.HDFStore",
        "pandas.ExcelFile",
        "pandas.ExcelWriter",
        "scipy._lib._ccallback.LowLevelCallable",
        "dateutil.tz.tz.tzfile",
        "dateutil.tz.tz.tzical",
        "dateutil.zoneinfo.ZoneInfoFile",
        "dateutil.zoneinfo.tzfile",
        "xgboost.core.DMatrix",
        "lightgbm.basic.Dataset",
        "lale.util.VisitorMeta.VisitorMeta",
    )
)
# Classes pipelines hold whose constructor loads a model file (`model_file=`): their pickles
# create them without calling them (NEWOBJ, then their state), so a pickle may create them only
# that way: it may not call one, nor hand one to anything it calls or to an object's state.
NEWOBJ_ONLY_CLASSES = frozenset(("xgboost.core.Booster", "lightgbm.basic.Booster"))
