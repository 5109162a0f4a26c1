"""A fast generator of synthetic person files for the benchmarks (not demo data: see seed_demo).

`generate(n)` writes n person rows and their NameKey rows straight into the database of the
default connection, with executemany (SQLite) or COPY (PostgreSQL) in one transaction, dropping
the secondary indexes first and building them again after (much faster than maintaining them
row by row). Everything search reads is real: name, pinyin, initials, NameKey pieces, keyed
hashes and last 4 of the ID and phone numbers. The encrypted columns are not: every row reuses
one of a small pool of real ciphertexts (encrypting a million values would only time AES).

The n-th file is reproducible (`id_number(i)`, `phone(i)`), so benchmarks can pick real values
to search for without reading them back.

Names are typical of the residents the system serves: Hui names with 马 very common (then 李,
王, 张, 白, 杨, 丁, 穆 …), Uyghur names written with `·`, Mongol and Manchu names, Han names.
Files spread over the 2,628 communities of the city, five times more per community in 潞州区.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import random
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tongcheng.lib import crypto
from tongcheng.lib.idnumber import make_id_number
from tongcheng.lib.pinyin import name_initials, name_pinyin
from tongcheng.org.models import Area, Ethnicity, Region
from tongcheng.registry.columns import name_keys
from tongcheng.registry.identifiers import CONTEXT
from tongcheng.registry.models import NameKey, Person

SEED = 20140305
LUZHOU = "140403"
LUZHOU_WEIGHT = 5
BATCH = 20_000

# (surname, weight): Hui surnames, 马 by far the most common.
HUI_SURNAMES = [
    ("马", 40), ("李", 6), ("王", 6), ("张", 5), ("白", 5), ("杨", 5), ("丁", 4), ("穆", 3),
    ("海", 2), ("冶", 2), ("韩", 2), ("沙", 2), ("哈", 2), ("纳", 2), ("金", 2), ("刘", 2),
    ("周", 1), ("拜", 1), ("喇", 1), ("锁", 1), ("苏", 1), ("米", 1), ("者", 1), ("虎", 1),
]  # fmt: skip
HAN_SURNAMES = [
    ("王", 7), ("李", 7), ("张", 7), ("刘", 5), ("陈", 5), ("杨", 4), ("赵", 3), ("黄", 3),
    ("周", 3), ("吴", 3), ("徐", 2), ("孙", 2), ("胡", 2), ("朱", 2), ("高", 2), ("林", 2),
    ("郭", 2), ("马", 2), ("罗", 2), ("梁", 2), ("宋", 1), ("郑", 1), ("谢", 1), ("韩", 1),
    ("单", 1), ("曾", 1), ("仇", 1), ("解", 1), ("欧阳", 1), ("司马", 1),
]  # fmt: skip
MANCHU_SURNAMES = [
    ("关", 4), ("佟", 3), ("那", 3), ("金", 3), ("赵", 2), ("富", 2), ("傅", 2), ("索", 2),
    ("肇", 1), ("依", 1), ("爱新觉罗", 1),
]  # fmt: skip
GIVEN = (
    "明华军伟强平刚磊洋勇杰涛斌超辉鹏飞龙海波宁成福贵文武兴旺林峰学忠义国庆建新志红"
    "英兰芳梅丽娟霞燕玲萍秀云花凤琴静敏洁婷雪莉娜慧晓春秋冬月桂珍玉翠艳蓉彩萱"
    "德山俊亮斌才祥瑞鑫浩宇哲轩晨阳凯"
)
UYGHUR_GIVEN = (  # noqa: SIM905
    "买买提 艾力 阿卜杜拉 吐尔逊 热合曼 阿不都 艾买提 库尔班 努尔 亚森 依明 托合提 "
    "肉孜 喀斯木 阿迪力 买合木提 吐尔洪 阿依古丽 古丽 热依拉 帕提古丽 阿米娜 祖丽胡玛尔 "
    "米热古丽 迪丽拜尔 再努尔 阿孜古丽 热娜 玛依拉 茹仙古丽"
).split()
MONGOL_NAMES = (  # noqa: SIM905
    "巴特尔 其其格 乌日娜 额尔敦 苏和 朝鲁 格日勒 斯琴 阿拉坦 宝音 那仁 图雅 "
    "哈斯 乌兰 敖登 达来 巴雅尔 孟和 萨仁 娜仁花 特木尔 布和 吉雅 满都拉"
).split()
# (ethnicity code GB/T 3304, style, weight)
STYLES = [("03", "hui", 55), ("05", "uyghur", 13), ("02", "mongol", 8), ("11", "manchu", 7),
          ("01", "han", 14), ("04", "han", 3)]  # fmt: skip
ORIGIN_PROVINCES = [("64", 30), ("62", 25), ("63", 12), ("65", 12), ("41", 10), ("15", 8),
                    ("54", 3)]  # fmt: skip
FIRST_BIRTH = date(1950, 1, 1)
DAYS = 20_000


def _weighted(pairs: Sequence[tuple[Any, int]]) -> tuple[list[Any], list[int]]:
    return [value for value, _ in pairs], [weight for _, weight in pairs]


class Names:
    """Draws names in the distribution above; pinyin and keys computed once per distinct name."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cache: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        self.tables: dict[int, tuple[list[str], list[int]]] = {}
        self.styles, weights = _weighted([((c, s), w) for c, s, w in STYLES])
        self.style_weights = list(itertools.accumulate(weights))

    def _given(self) -> str:
        count = 1 if self.rng.random() < 0.3 else 2
        return "".join(self.rng.choice(GIVEN) for _ in range(count))

    def _surname(self, pairs: list[tuple[str, int]]) -> str:
        found = self.tables.get(id(pairs))
        if found is None:
            values, weights = _weighted(pairs)
            found = self.tables[id(pairs)] = (values, list(itertools.accumulate(weights)))
        return self.rng.choices(found[0], cum_weights=found[1])[0]

    def draw(self) -> tuple[str, str]:
        """(ethnicity code, name)."""
        (code, style) = self.rng.choices(self.styles, cum_weights=self.style_weights)[0]
        if style == "hui":
            name = self._surname(HUI_SURNAMES) + self._given()
        elif style == "uyghur":
            name = f"{self.rng.choice(UYGHUR_GIVEN)}·{self.rng.choice(UYGHUR_GIVEN)}"
        elif style == "mongol":
            name = self.rng.choice(MONGOL_NAMES)
            if self.rng.random() < 0.3:
                name = self._surname(HAN_SURNAMES) + self._given()
        elif style == "manchu":
            name = self._surname(MANCHU_SURNAMES) + self._given()
        else:
            name = self._surname(HAN_SURNAMES) + self._given()
        return code, name

    def columns(self, name: str) -> tuple[str, str, tuple[str, ...]]:
        found = self.cache.get(name)
        if found is None:
            found = (name_pinyin(name), name_initials(name), tuple(sorted(name_keys(name))))
            self.cache[name] = found
        return found


def origin_county(i: int, counties: Sequence[str]) -> str:
    return counties[(i * 7919) % len(counties)]


def id_number(i: int, counties: Sequence[str]) -> str:
    """The ID number of the i-th generated file (unique for i < 10,000,000)."""
    born = FIRST_BIRTH + timedelta(days=i % DAYS)
    sex = "male" if i % 2 else "female"
    return make_id_number(origin_county(i, counties), born, (i // DAYS) % 500, sex)


def phone(i: int) -> str:
    """The mobile number of the i-th generated file (unique)."""
    return f"1{3 + i % 7}{i:09d}"


def county_codes() -> list[str]:
    """6-digit county codes of the usual provinces of origin (the ID numbers' area codes)."""
    wanted = {p for p, _ in ORIGIN_PROVINCES}
    codes = [
        code
        for code in Region.objects.filter(level="county").values_list("code", flat=True)
        if code[:2] in wanted
    ]
    return sorted(codes) or ["640122"]


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes that no constraint needs."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
            return [(n, s) for n, s in cursor.fetchall() if "UNIQUE" not in s.upper()]
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        return list(cursor.fetchall())


def _write(table: str, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor: COPY
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        raw = cursor.cursor
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                raw.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            raw.executemany(sql, batch)
            count += len(batch)
    return count


def _value(value: Any) -> Any:
    """SQLite gets dates as ISO text (what Django stores); psycopg adapts date objects."""
    if connection.vendor == "sqlite" and isinstance(value, date | datetime):
        return str(value)
    return value


def _hasher(context: str) -> Callable[[str], str]:
    """crypto.keyed_hash with the key decoded once (it decodes it on every call)."""
    key = base64.b64decode(settings.HASH_KEY)
    prefix = f"{context}\x00".encode()

    def keyed(value: str) -> str:
        return hmac.new(key, prefix + value.encode(), hashlib.sha256).hexdigest()

    # The shortcut must store exactly what the services store.
    assert keyed("140403199001011234") == crypto.keyed_hash("140403199001011234", context=context)
    return keyed


def generate(
    n: int, *, seed: int = SEED, progress: bool = True, analyse: bool = True
) -> dict[str, float]:
    """Write n synthetic files (and their NameKey rows); returns timings in seconds.

    `analyse=False` (PostgreSQL) leaves the tables as a bulk load leaves them: no planner
    statistics and no visibility map, until the caller runs `analyse_tables()`.
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    names = Names(rng)
    counties = county_codes()
    region_ids = dict(Region.objects.filter(code__in=set(counties)).values_list("code", "pk"))
    ethnicities = dict(Ethnicity.objects.values_list("code", "pk"))
    communities = list(Area.objects.communities().order_by("code").values_list("id", "code"))
    weights = list(
        itertools.accumulate(
            LUZHOU_WEIGHT if code.startswith(LUZHOU) else 1 for _, code in communities
        )
    )
    first_id = (Person.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    pools = {
        field: [crypto.encrypt(f"{field}-{k}", context=context) for k in range(16)]
        for field, context in CONTEXT.items()
    }
    now = timezone.now()
    today = timezone.localdate()
    fixed: dict[str, Any] = {}
    person_table = Person._meta.db_table
    namekey_table = NameKey._meta.db_table
    columns = [f.column for f in Person._meta.concrete_fields]
    key_rows: list[tuple[int, str, str]] = []
    hash_id = _hasher(CONTEXT["id_number"])
    hash_phone = _hasher(CONTEXT["phone"])
    births = [_value(FIRST_BIRTH + timedelta(days=d)) for d in range(DAYS)]
    arrivals = [_value(today - timedelta(days=d)) for d in range(3650)]
    created = _value(now)
    occupations = ["noodle_restaurant", "catering_work", "construction", "vendor", "transport",
                   "factory", "student", ""]  # fmt: skip

    def person_rows() -> Iterator[tuple[Any, ...]]:
        for offset in range(n):
            i = first_id + offset - 1
            code, name = names.draw()
            pinyin, initials, keys = names.columns(name)
            number = id_number(i, counties)
            mobile = phone(i)
            community_id, area_code = rng.choices(communities, cum_weights=weights)[0]
            county = origin_county(i, counties)
            arrived = arrivals[rng.randrange(3650)]
            person_id = first_id + offset
            row = {
                "id": person_id,
                "name": name,
                "name_pinyin": pinyin,
                "name_initials": initials,
                "ethnicity_id": ethnicities.get(code) or next(iter(ethnicities.values())),
                "sex": "male" if i % 2 else "female",
                "birth_date": births[i % DAYS],
                "id_number_enc": pools["id_number"][i % 16],
                "id_number_hash": hash_id(number),
                "id_number_last4": number[-4:],
                "phone_enc": pools["phone"][i % 16],
                "phone_hash": hash_phone(mobile),
                "phone_last4": mobile[-4:],
                "origin_region_id": region_ids.get(county),
                "origin_province": county[:2],
                "community_id": community_id,
                "area_code": area_code,
                "address_enc": pools["address"][i % 16],
                "occupation": occupations[i % 8],
                "arrived_on": arrived,
                "status": "active" if rng.random() < 0.9 else "moved_away",
                "status_since": arrived,
                "version": 1,
                "created_at": created,
                "updated_at": created,
            }  # fmt: skip
            key_rows.extend((person_id, key, area_code) for key in keys)
            yield tuple(row[c] if c in row else fixed[c] for c in columns)

    for field in Person._meta.concrete_fields:
        if field.null:
            fixed[field.column] = None
        elif field.has_default():
            fixed[field.column] = _value(field.get_default())
        else:
            fixed[field.column] = ""

    timings: dict[str, float] = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Skip the deferred foreign-key triggers for this bulk load (superuser only).
                cursor.execute("SET LOCAL session_replication_role = replica")
        dropped = _secondary_indexes(person_table) + _secondary_indexes(namekey_table)
        with connection.cursor() as cursor:
            for index_name, _sql in dropped:
                cursor.execute(f'DROP INDEX "{index_name}"')
        step = time.perf_counter()
        # Persons in chunks, each followed by its NameKey rows (keeps memory flat).
        rows = person_rows()
        written = 0
        while written < n:
            chunk = [row for _, row in zip(range(100_000), rows, strict=False)]
            if not chunk:
                break
            written += _write(person_table, columns, iter(chunk))
            # In the primary key's order (key, person): NameKey is a WITHOUT ROWID table on
            # SQLite, its rows live in that B-tree.
            key_rows.sort(key=lambda row: (row[1], row[0]))
            _write(namekey_table, ["person_id", "key", "area_code"], iter(key_rows))
            key_rows.clear()
            if progress:
                print(f"    … {written:,} files written", flush=True)
        timings["rows"] = time.perf_counter() - step
        step = time.perf_counter()
        with connection.cursor() as cursor:
            for _name, sql in dropped:
                cursor.execute(sql)
        timings["indexes"] = time.perf_counter() - step
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Fold the big write-ahead log back into the file: reads through a 1 GB WAL are slow.
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{person_table}', 'id'), "
                f"(SELECT MAX(id) FROM {person_table}))"
            )
            if analyse:
                analyse_tables()
            # Write the loaded pages out now, not while the benchmark measures (one run's
            # p95 tripled when the checkpointer flushed the load during the timings).
            cursor.execute("CHECKPOINT")
    timings["total"] = time.perf_counter() - started
    return timings


def analyse_tables() -> None:
    """What autovacuum does on a live PostgreSQL database, now: planner statistics, and the
    visibility map that lets index-only scans skip the table."""
    with connection.cursor() as cursor:
        for model in (Person, NameKey):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        cursor.execute("CHECKPOINT")


def autovacuum(enabled: bool) -> None:
    """Switch autovacuum on or off for the two big tables (PostgreSQL), so that a "freshly
    loaded" measurement is not analysed half-way through by the autovacuum daemon."""
    with connection.cursor() as cursor:
        for model in (Person, NameKey):
            value = "true" if enabled else "false"
            cursor.execute(f"ALTER TABLE {model._meta.db_table} SET (autovacuum_enabled = {value})")
