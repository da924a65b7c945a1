from . import spark
__all__ = spark.__all__
