from duckdb.duckdb.functional import (
	FunctionNullHandling,
	PythonUDFType,
	SPECIAL,
	DEFAULT,
	NATIVE,
	ARROW
)

__all__ = [
	"FunctionNullHandling",
	"PythonUDFType",
	"SPECIAL",
	"DEFAULT",
	"NATIVE",
	"ARROW"
]
