"""The dsa engine on Apache Spark (NCII_DSA_ENGINE=spark): the same reduction as engine_duckdb.py.

Spark reads each extracted CSV part, classifies its records, drops the uuids seen before (the
window's uuids, exported from DuckDB as Parquet when the day starts, and the day's earlier parts)
and aggregates; only the compact aggregate and the quarantine rows come back to the driver, and
they go into the load's DuckDB transaction like the DuckDB engine's. The day's new uuids are
written by Spark as Parquet and added to DuckDB when the day's parts are done.

Local mode (`local[*]`) by default; NCII_SPARK_MASTER points it at a cluster (`spark://host:7077`,
`yarn`, `k8s://...`) or at a Spark Connect server (`sc://host:15002`). On a cluster the scratch folder
(NCII_DSA_SCRATCH_DIR) must be storage every executor sees (a shared mount), since the parts and
the uuid files are read and written there. Local mode needs Java 17 or later.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.ingestion.dsa import vocab
from orchestration.ingestion.dsa.dump import READ_COLUMNS, Part
from orchestration.ingestion.dsa.engine import BAD_UTF8, MALFORMED, PartCounts, window
from orchestration.ingestion.dsa.load import UUID_WINDOW_DAYS

CORRUPT = "_corrupt_record"
SPARK_TIME_FORMAT = "yyyy-MM-dd HH:mm:ss"


def java_available() -> bool:
    """Local mode starts a JVM: without `java` the Spark engine cannot run here (the DuckDB one still can)."""
    import os

    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))


def spark_session(master: str | None):
    """A Spark session: Spark Connect for `sc://` masters, else classic Spark (local[*] by default)."""
    from pyspark.sql import SparkSession

    if master and master.startswith("sc://"):
        spark = SparkSession.builder.remote(master).getOrCreate()
    else:
        spark = (
            SparkSession.builder.master(master or "local[*]")
            .appName("ncii-dsa")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", "2g")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
    # Timestamps in the dump are UTC; durations must not move with a local daylight-saving change.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    return spark


@contextmanager
def spark_engine_factory(master: str | None, scratch_dir: Path | None = None) -> Iterator:
    """One Spark session for every day of a run (starting one costs seconds); stopped at the end."""
    spark = spark_session(master)
    scratch = Path(tempfile.mkdtemp(prefix="ncii-dsa-spark-", dir=scratch_dir))
    try:
        yield lambda conn, landed: SparkEngine(spark, conn, landed.export_date, UUID_WINDOW_DAYS, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        spark.stop()


def _json_array(F, column: str):
    value = F.trim(F.coalesce(F.col(column), F.lit("")))
    return F.when(value == "", F.array().cast("array<string>")).otherwise(F.from_json(value, "array<string>"))


def _timestamp(F, column: str):
    value = F.trim(F.coalesce(F.col(column), F.lit("")))
    return F.when(value.rlike(vocab.TIMESTAMP_PATTERN), F.try_to_timestamp(value, F.lit(SPARK_TIME_FORMAT)))


def _map(F, mapping: dict):
    pairs = []
    for key, value in mapping.items():
        pairs += [F.lit(key), F.lit(value)]
    return F.create_map(*pairs)


class SparkEngine:
    name = "spark"
    parts_at_once = 1  # one part per Spark job (see reduce_part)

    def __init__(self, spark, conn: duckdb.DuckDBPyConnection, dump_date: date, window_days: int, scratch: Path):
        self.spark = spark
        self.conn = conn
        self.dump_date = dump_date
        self.day_dir = scratch / dump_date.isoformat()
        shutil.rmtree(self.day_dir, ignore_errors=True)
        self.day_dir.mkdir(parents=True)
        self.seen_path = self.day_dir / "seen.parquet"
        self.new_dir = self.day_dir / "new"
        self._export_seen(window(dump_date, window_days))

    def _export_seen(self, bounds: tuple[date, date]) -> None:
        """The window's uuids (in DuckDB) as Parquet for Spark, streamed in batches."""
        reader = self.conn.sql(
            "SELECT uuid::VARCHAR AS uuid FROM raw.dsa_seen_uuids WHERE dump_date BETWEEN ? AND ?", params=list(bounds)
        ).to_arrow_reader(1 << 20)  # streamed: the window can hold a few hundred million uuids
        with pq.ParquetWriter(self.seen_path, pa.schema([("uuid", pa.string())])) as writer:
            for batch in reader:
                writer.write_batch(batch)

    def _seen(self):
        seen = self.spark.read.parquet(str(self.seen_path))
        if self.new_dir.exists():
            seen = seen.unionByName(self.spark.read.parquet(str(self.new_dir)).select("uuid"))
        return seen

    def _classified(self, part: Part):
        from pyspark.sql import functions as F
        from pyspark.sql import types as T

        words = vocab.vocabulary()
        schema = T.StructType(
            [T.StructField(name, T.StringType()) for name in part.header] + [T.StructField(CORRUPT, T.StringType())]
        )
        frame = (
            self.spark.read.schema(schema)
            .option("header", True)
            .option("multiLine", True)
            .option("quote", '"')
            .option("escape", '"')
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT)
            .csv(str(part.path))
        )
        # A multi-line CSV file is never split, so it is one partition read in order: the ids are the records' order.
        frame = frame.select(
            *[F.col(c) for c in READ_COLUMNS], F.col(CORRUPT), (F.monotonically_increasing_id() + 1).alias("rn")
        )
        lists = {c: _json_array(F, c) for c in vocab.JSON_ARRAY_COLUMNS}
        stamps = {c: _timestamp(F, c) for c in vocab.TIMESTAMP_COLUMNS}
        frame = frame.select(
            "*", *[v.alias(f"{c}_list") for c, v in lists.items()], *[v.alias(f"{c}_ts") for c, v in stamps.items()]
        )
        bad_utf8 = None
        for column in READ_COLUMNS:
            test = F.coalesce(F.col(column), F.lit("")).contains("\ufffd")
            bad_utf8 = test if bad_utf8 is None else bad_utf8 | test
        problem = (
            F.when(F.col(CORRUPT).isNotNull(), F.array(F.lit(None).cast("string"), F.lit(MALFORMED)))
            .when(bad_utf8, F.array(F.lit(None).cast("string"), F.lit(BAD_UTF8 + " in a field the warehouse reads")))
            .when(
                ~F.trim(F.coalesce(F.col("uuid"), F.lit(""))).rlike(vocab.UUID_PATTERN),
                F.array(F.lit("uuid"), F.lit("not a UUID")),
            )
        )
        for column in vocab.JSON_ARRAY_COLUMNS:
            problem = problem.when(F.col(f"{column}_list").isNull(), F.array(F.lit(column), F.lit("not a JSON array")))
        for column in vocab.REQUIRED_TIMESTAMPS:
            problem = problem.when(
                F.col(f"{column}_ts").isNull(),
                F.array(F.lit(column), F.lit("missing or not a timestamp (YYYY-MM-DD HH:MM:SS)")),
            )
        problem = problem.when(
            (F.trim(F.coalesce(F.col("content_date"), F.lit(""))) != "") & F.col("content_date_ts").isNull(),
            F.array(F.lit("content_date"), F.lit("not a timestamp (YYYY-MM-DD HH:MM:SS)")),
        )
        keyword_map, category_map = _map(F, words.keyword_priority), _map(F, words.category_priority)
        keyword_priority = F.array_min(
            F.transform(F.col("category_specification_list"), lambda k: F.try_element_at(keyword_map, k))
        )
        categories = F.concat(
            F.array(F.trim(F.coalesce(F.col("category"), F.lit("")))), F.col("category_addition_list")
        )
        category_priority = F.array_min(F.transform(categories, lambda c: F.try_element_at(category_map, c)))
        groups = F.array(*[F.lit(words.group_of_priority[p]) for p in sorted(words.group_of_priority)])
        frame = frame.withColumn("problem", problem)
        return frame.select(
            "rn",
            "problem",
            (F.col("problem").isNull() & F.array_contains(F.col("territorial_scope_list"), vocab.BELGIUM)).alias(
                "in_scope"
            ),
            F.lower(F.trim(F.col("uuid"))).alias("uuid"),
            F.trunc(F.col("application_date_ts"), "month").alias("month"),
            F.trim(F.coalesce(F.col("platform_name"), F.lit(""))).alias("platform_name"),
            F.try_element_at(groups, F.least(keyword_priority, category_priority)).alias("harm_group"),
            F.try_element_at(_map(F, words.source_types), F.trim(F.coalesce(F.col("source_type"), F.lit("")))).alias(
                "source_type"
            ),
            (F.trim(F.coalesce(F.col("automated_detection"), F.lit(""))) == vocab.AUTOMATED_DETECTION_YES).alias(
                "automated_detection"
            ),
            (F.trim(F.coalesce(F.col("automated_decision"), F.lit(""))) == vocab.FULLY_AUTOMATED).alias(
                "fully_automated"
            ),
            F.coalesce(F.array_contains(F.col("decision_visibility_list"), vocab.CONTENT_REMOVED), F.lit(False)).alias(
                "content_removed"
            ),
            (F.unix_timestamp(F.col("application_date_ts")) - F.unix_timestamp(F.col("content_date_ts"))).alias(
                "decision_seconds"
            ),
            (F.unix_timestamp(F.col("created_at_ts")) - F.unix_timestamp(F.col("application_date_ts"))).alias(
                "database_seconds"
            ),
        )

    def reduce_parts(self, parts: Sequence[Part], first_row: int) -> PartCounts:
        """One part after the other, each numbered on from the records of the parts before it."""
        counts = PartCounts()
        for part in parts:
            counts.add(self.reduce_part(part, first_row + counts.rows_read))
        return counts

    def reduce_part(self, part: Part, first_row: int) -> PartCounts:
        """Four Spark jobs a part: where the records went, the quarantine rows (when there are any), the new
        statements written once as Parquet (their uuids join the seen set), and their aggregate."""
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        classified = self._classified(part).cache()
        try:
            stats = classified.groupBy(F.col("problem").isNull().alias("ok"), "in_scope").count().collect()
            read = sum(row["count"] for row in stats)
            problems = sum(row["count"] for row in stats if not row["ok"])
            in_scope = sum(row["count"] for row in stats if row["in_scope"])
            if problems:
                suffix = F.concat(F.lit(f" (part {part.name}, record "), F.col("rn").cast("string"), F.lit(")"))
                self._insert(
                    "dsa_day_rejects",
                    classified.where(F.col("problem").isNotNull()).select(
                        (F.col("rn") + (first_row - 1)).alias("row_number"),
                        F.col("problem")[0].alias("field"),
                        F.concat(F.col("problem")[1], suffix).alias("reason"),
                    ),
                )
            new_path = str(self.new_dir / f"part={part.index}")
            (
                classified.where(F.col("in_scope"))
                .drop("problem", "in_scope")
                .join(self._seen(), "uuid", "left_anti")
                .withColumn("copy", F.row_number().over(Window.partitionBy("uuid").orderBy("rn")))
                .where(F.col("copy") == 1)
                .drop("copy", "rn")
                .write.mode("overwrite")
                .parquet(new_path)
            )
        finally:
            classified.unpersist()
        keys = ["month", "platform_name", "harm_group", "source_type"]
        new = self.spark.read.parquet(new_path)
        # One aggregate for both day tables: every statement has exactly one `database` duration (both of its
        # timestamps are required), so the counts are the sums over those rows.
        histogram = (
            new.select(
                *keys,
                "automated_detection",
                "fully_automated",
                "content_removed",
                F.explode(
                    F.array(
                        F.struct(F.lit("decision").alias("measure"), F.col("decision_seconds").alias("seconds")),
                        F.struct(F.lit("database").alias("measure"), F.col("database_seconds").alias("seconds")),
                    )
                ).alias("m"),
            )
            .where(F.col("m.seconds").isNotNull())
            .groupBy(*keys, F.col("m.measure").alias("measure"), F.col("m.seconds").alias("seconds"))
            .agg(
                F.count(F.lit(1)).alias("statements"),
                F.count(F.when(F.col("automated_detection"), 1)).alias("automated_detections"),
                F.count(F.when(F.col("fully_automated"), 1)).alias("fully_automated_decisions"),
                F.count(F.when(F.col("content_removed"), 1)).alias("content_removed"),
            )
        )
        self.conn.register("spark_result", histogram.toArrow())
        try:
            self.conn.execute(
                """INSERT INTO dsa_day_counts
                   SELECT month, platform_name, harm_group, source_type, sum(statements), sum(automated_detections),
                          sum(fully_automated_decisions), sum(content_removed)
                   FROM spark_result WHERE measure = 'database' GROUP BY ALL"""
            )
            self.conn.execute(
                """INSERT INTO dsa_day_durations
                   SELECT month, platform_name, harm_group, source_type, measure, seconds, statements
                   FROM spark_result"""
            )
            loaded = self.conn.execute(
                "SELECT coalesce(sum(statements), 0) FROM spark_result WHERE measure = 'database'"
            ).fetchall()[0][0]
        finally:
            self.conn.unregister("spark_result")
        return PartCounts(
            rows_read=read,
            statements_loaded=int(loaded),
            rows_out_of_scope=read - problems - in_scope,
            rows_repeated=in_scope - int(loaded),
            rows_quarantined=problems,
        )

    def _insert(self, table: str, frame) -> None:
        """A Spark result (small: quarantine rows) into the load's TEMP table, by column name."""
        self.conn.register("spark_result", frame.toArrow())
        try:
            self.conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM spark_result")
        finally:
            self.conn.unregister("spark_result")

    def finish_day(self) -> None:
        if self.new_dir.exists() and any(self.new_dir.rglob("*.parquet")):
            self.conn.execute(
                "INSERT INTO raw.dsa_seen_uuids "
                "SELECT $day, uuid::UUID FROM read_parquet($files, hive_partitioning = false)",
                {"day": self.dump_date, "files": [str(p) for p in sorted(self.new_dir.rglob("*.parquet"))]},
            )

    def close(self) -> None:
        shutil.rmtree(self.day_dir, ignore_errors=True)
