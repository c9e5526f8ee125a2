#!/usr/bin/env bash
# Offline builder for the e2e container images (Redis, ClickHouse, Kafka, SMTP,
# PostgreSQL, MariaDB).
#
# This workplace reaches no container registry, only package registries, so the
# images are made from Debian bookworm packages (debootstrap --variant=minbase)
# plus, for Kafka, the broker jars from Maven Central, and loaded with
# `tar -C ROOTFS -c . | docker import`. Image names come from images.env.
#
# Usage:
#   e2e/images/build-images.sh [--force] [TARGET...]
# TARGET:
#   redis        $TWINFLOW_REDIS_IMAGE       (Debian redis-server 7.0)
#   clickhouse   $TWINFLOW_CLICKHOUSE_IMAGE  (Debian clickhouse-server 18.16)
#   kafka        $TWINFLOW_KAFKA_IMAGE       (Kafka 3.9.x, KRaft)
#   kafka4       $TWINFLOW_KAFKA4_IMAGE      (Kafka 4.x, KRaft; only when asked)
#   kafka:VER    twinflow/kafka:VER          (any Kafka version on Maven Central)
#   smtp         $TWINFLOW_SMTP_IMAGE        (Debian Exim 4.96: STARTTLS, AUTH, maildir)
#   postgres     $TWINFLOW_POSTGRES_IMAGE    (Debian postgresql-15; the sql source)
#   mariadb      $TWINFLOW_MARIADB_IMAGE     (Debian mariadb-server 10.11; the sql source)
#   all          redis clickhouse kafka kafka4 smtp postgres mariadb
#   (none)       redis clickhouse kafka smtp postgres mariadb
# An image is built only when `docker image inspect` does not find it;
# --force (or TWINFLOW_IMAGES_REBUILD=1) rebuilds it.
#
# Environment:
#   TWINFLOW_IMAGES_CACHE  cache dir for rootfs dirs, .deb files and the Maven
#                          repository (default /var/cache/twinflow-images)
#   DEBIAN_MIRROR          default http://deb.debian.org/debian
#   TWINFLOW_KAFKA_VERSION / TWINFLOW_KAFKA4_VERSION
#                          Kafka version for `kafka` / `kafka4` when the image tag
#                          is not a version
#
# Needs root (debootstrap), Docker (runs setup-docker.sh), Java 17 + Maven (mvn)
# for Kafka. Idempotent: rootfs dirs and jars are cached and reused.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=images.env
source "$HERE/images.env"

CACHE_DIR="${TWINFLOW_IMAGES_CACHE:-/var/cache/twinflow-images}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=bookworm
FORCE="${TWINFLOW_IMAGES_REBUILD:-0}"
# Bump when the contents of a rootfs recipe change, so cached rootfs dirs are redone.
RECIPE_REV=2

log() { printf '[build-images %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[build-images] ERROR: %s\n' "$*" >&2; exit 1; }

case "$CACHE_DIR" in
  /*) ;;
  *) die "TWINFLOW_IMAGES_CACHE must be an absolute path (got '$CACHE_DIR')" ;;
esac
case "$CACHE_DIR/" in
  /work/*) die "keep the image cache out of the work tree (TWINFLOW_IMAGES_CACHE=$CACHE_DIR)" ;;
esac

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
declare -a SUMMARY=()

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

need_root() { [ "$(id -u)" -eq 0 ] || die "building images needs root (debootstrap)"; }

ensure_debootstrap() {
  command -v debootstrap >/dev/null 2>&1 && return 0
  need_root
  log "installing debootstrap (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed"
  apt-get install -y -qq debootstrap >/dev/null || die "apt-get install debootstrap failed"
}

# Refuse to delete a directory that still has something mounted below it.
safe_rm_rootfs() {
  local dir="$1"
  [ -e "$dir" ] || return 0
  local m
  for m in $(findmnt -rn -o TARGET | grep -F "$dir/" | sort -r || true); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  if findmnt -rn -o TARGET | grep -qF "$dir/"; then
    die "something is still mounted under $dir; unmount it and retry"
  fi
  rm -rf "$dir"
}

# make_rootfs NAME PKGS  -> prints the rootfs path. Cached: a finished rootfs has
# a marker file that records the package list and recipe revision.
make_rootfs() {
  local name="$1" pkgs="$2"
  local dir="$CACHE_DIR/rootfs/$name"
  local marker="$dir/.twinflow-rootfs"
  local want="suite=$SUITE rev=$RECIPE_REV include=$pkgs"
  if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ]; then
    log "rootfs $name: cached ($dir)"
    echo "$dir"; return 0
  fi
  need_root
  ensure_debootstrap
  safe_rm_rootfs "$dir"
  mkdir -p "$CACHE_DIR/rootfs" "$CACHE_DIR/debs"
  log "rootfs $name: debootstrap --variant=minbase --include=$pkgs $SUITE (log: $CACHE_DIR/rootfs/$name.debootstrap.log)"
  local t0=$SECONDS
  if ! debootstrap --variant=minbase --include="$pkgs" --cache-dir="$CACHE_DIR/debs" \
        "$SUITE" "$dir" "$DEBIAN_MIRROR" >"$CACHE_DIR/rootfs/$name.debootstrap.log" 2>&1; then
    tail -n 30 "$CACHE_DIR/rootfs/$name.debootstrap.log" >&2 || true
    safe_rm_rootfs "$dir"
    die "debootstrap of $name failed (full log: $CACHE_DIR/rootfs/$name.debootstrap.log)"
  fi
  # slim it down: package caches, docs, man pages
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/cache/apt/*.bin "$dir"/var/lib/apt/lists/* \
         "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/locale/* \
         "$dir"/var/log/*.log
  echo "$want" >"$marker"
  log "rootfs $name: done in $((SECONDS - t0))s ($(du -sh "$dir" | cut -f1))"
  echo "$dir"
}

# import_rootfs DIR NAME CHANGE... : tar the rootfs into `docker import`.
import_rootfs() {
  local dir="$1" name="$2"; shift 2
  local -a changes=()
  local c
  for c in "$@"; do changes+=(-c "$c"); done
  log "docker import $name"
  # --numeric-owner: the rootfs's own /etc/passwd decides names inside the image.
  tar --numeric-owner --exclude=./.twinflow-rootfs -C "$dir" -c . \
    | docker import "${changes[@]}" -m "twinflow offline build ($SUITE rootfs)" - "$name" >/dev/null \
    || die "docker import of $name failed"
}

write_file() { # write_file PATH MODE  (content on stdin)
  mkdir -p "$(dirname "$1")"
  cat >"$1"
  chmod "$2" "$1"
}

# ---------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------
build_redis() {
  local name="$TWINFLOW_REDIS_IMAGE"
  local dir
  dir="$(make_rootfs redis redis-server,redis-tools)"
  mkdir -p "$dir/data"
  # Same interface as the official redis image: CMD ["redis-server"], and a
  # command that starts with "-" gets redis-server prepended. The offline image
  # adds "--protected-mode no --save ''" (listen for the host, no RDB snapshots)
  # in front of whatever arguments are given, so e.g. `--appendonly yes` or
  # `redis-server --appendonly yes` turn AOF on (into /data).
  write_file "$dir/usr/local/bin/docker-entrypoint.sh" 0755 <<'EOS'
#!/bin/sh
set -e
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
  set -- redis-server "$@"
fi
if [ "$1" = redis-server ]; then
  shift
  exec redis-server --port 6379 --protected-mode no --save '' --dir /data "$@"
fi
exec "$@"
EOS
  import_rootfs "$dir" "$name" \
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    'CMD ["redis-server"]' \
    'WORKDIR /data' \
    'EXPOSE 6379'
}

# ---------------------------------------------------------------------------
# ClickHouse 18.16
# ---------------------------------------------------------------------------
build_clickhouse() {
  local name="$TWINFLOW_CLICKHOUSE_IMAGE"
  local dir
  dir="$(make_rootfs clickhouse clickhouse-server,clickhouse-client)"
  [ -x "$dir/usr/sbin/clickhouse-server" ] || die "clickhouse-server missing in $dir (expected /usr/sbin/clickhouse-server)"
  # Listen on all interfaces (IPv4; IPv6 may be off in the container), log to
  # the console (docker logs) as well as the usual files.
  write_file "$dir/etc/clickhouse-server/config.d/twinflow-docker.xml" 0644 <<'EOS'
<yandex>
    <listen_host>0.0.0.0</listen_host>
    <listen_try>1</listen_try>
    <logger>
        <console>1</console>
    </logger>
</yandex>
EOS
  # The `default` user: no password, from any address (tests connect through
  # the Docker port mapping, i.e. from a non-localhost address).
  write_file "$dir/etc/clickhouse-server/users.d/twinflow-default-user.xml" 0644 <<'EOS'
<yandex>
    <users>
        <default>
            <networks replace="replace">
                <ip>::/0</ip>
            </networks>
        </default>
    </users>
</yandex>
EOS
  # Entrypoint: honours the official image's CLICKHOUSE_USER / CLICKHOUSE_PASSWORD
  # / CLICKHOUSE_DB; arguments starting with "--" are passed as server config
  # overrides (after `--`); any other command is executed as is.
  write_file "$dir/usr/local/bin/entrypoint.sh" 0755 <<'EOS'
#!/bin/bash
set -euo pipefail
if [ "$#" -gt 0 ] && [ "${1#--}" = "$1" ]; then
  exec "$@"
fi
for d in /var/lib/clickhouse /var/lib/clickhouse/tmp /var/lib/clickhouse/user_files \
         /var/lib/clickhouse/format_schemas /var/log/clickhouse-server; do
  mkdir -p "$d"
done
user="${CLICKHOUSE_USER:-default}"
if [ "$user" != default ] || [ -n "${CLICKHOUSE_PASSWORD:-}" ]; then
  pw="$(printf '%s' "${CLICKHOUSE_PASSWORD:-}" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g')"
  cat >/etc/clickhouse-server/users.d/twinflow-env-user.xml <<EOF
<yandex>
    <users>
        <${user}>
            <password>${pw}</password>
            <networks replace="replace"><ip>::/0</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </${user}>
    </users>
</yandex>
EOF
fi
db="${CLICKHOUSE_DB:-}"
if [ -n "$db" ] && [ "$db" != default ] && [ ! -e "/var/lib/clickhouse/metadata/$db.sql" ]; then
  # An Ordinary database is a metadata file plus two dirs; the server attaches it at start.
  mkdir -p "/var/lib/clickhouse/metadata/$db" "/var/lib/clickhouse/data/$db"
  printf 'ATTACH DATABASE %s\nENGINE = Ordinary\n' "\`$db\`" >"/var/lib/clickhouse/metadata/$db.sql"
fi
exec /usr/sbin/clickhouse-server --config-file=/etc/clickhouse-server/config.xml -- --listen_host=0.0.0.0 "$@"
EOS
  import_rootfs "$dir" "$name" \
    'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]' \
    'EXPOSE 8123 9000 9009'
}

# ---------------------------------------------------------------------------
# PostgreSQL 15 (for the sql source)
# ---------------------------------------------------------------------------
# Same interface as the official postgres image: POSTGRES_USER (default
# postgres), POSTGRES_PASSWORD, POSTGRES_DB (default: the user) create the role
# and database at the first start (initdb into /var/lib/postgresql/data);
# listens on 5432 for every address (scram-sha-256, trust without a password);
# a command starting with "-" is passed to postgres (`-c key=value`).
build_postgres() {
  local name="$TWINFLOW_POSTGRES_IMAGE"
  local dir
  dir="$(make_rootfs postgres postgresql-15)"
  [ -x "$dir/usr/lib/postgresql/15/bin/postgres" ] || die "postgres missing in $dir (expected /usr/lib/postgresql/15/bin/postgres)"
  write_file "$dir/usr/local/bin/docker-entrypoint.sh" 0755 <<'EOS'
#!/bin/bash
set -euo pipefail
if [ "$#" -gt 0 ] && [ "${1#-}" = "$1" ]; then exec "$@"; fi
BIN=/usr/lib/postgresql/15/bin
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  user="${POSTGRES_USER:-postgres}"
  db="${POSTGRES_DB:-$user}"
  pwfile="$(mktemp)"; chown postgres "$pwfile"
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  auth=trust; [ -n "${POSTGRES_PASSWORD:-}" ] && auth=scram-sha-256
  as_postgres "$BIN/initdb" -D "$PGDATA" --username="$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host="$auth" >/dev/null
  rm -f "$pwfile"
  printf 'host all all 0.0.0.0/0 %s\nhost all all ::/0 %s\n' "$auth" "$auth" >>"$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    as_postgres "$BIN/postgres" --single -D "$PGDATA" -c listen_addresses='' postgres <<<"CREATE DATABASE \"$db\" OWNER \"$user\";" >/dev/null
  fi
  echo "[postgres-entrypoint] initialized $PGDATA (user $user, database $db)"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$BIN/postgres" -D "$PGDATA" \
  -c listen_addresses='*' -c unix_socket_directories=/run/postgresql -c logging_collector=off "$@"
EOS
  import_rootfs "$dir" "$name" \
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    'ENV LANG=C.UTF-8' \
    'EXPOSE 5432'
}

# ---------------------------------------------------------------------------
# MariaDB 10.11 (for the sql source)
# ---------------------------------------------------------------------------
# Same interface as the official mariadb image: MARIADB_USER, MARIADB_PASSWORD,
# MARIADB_DATABASE (or the MYSQL_* names) create the user (from any host, all
# privileges on that database) and the database at start; listens on 3306 for
# every address; arguments starting with "--" are passed to mariadbd.
build_mariadb() {
  local name="$TWINFLOW_MARIADB_IMAGE"
  local dir
  dir="$(make_rootfs mariadb mariadb-server)"
  [ -x "$dir/usr/sbin/mariadbd" ] || die "mariadbd missing in $dir (expected /usr/sbin/mariadbd)"
  write_file "$dir/usr/local/bin/docker-entrypoint.sh" 0755 <<'EOS'
#!/bin/bash
set -euo pipefail
if [ "$#" -gt 0 ] && [ "${1#--}" = "$1" ]; then exec "$@"; fi
DATADIR=/var/lib/mysql
mkdir -p "$DATADIR" /run/mysqld
chown mysql:mysql "$DATADIR" /run/mysqld
if [ ! -d "$DATADIR/mysql" ]; then
  mariadb-install-db --user=mysql --datadir="$DATADIR" --skip-test-db --auth-root-authentication-method=socket >/dev/null
fi
user="${MARIADB_USER:-${MYSQL_USER:-}}"
password="${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}"
db="${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}"
sql_string() { printf "'%s'" "$(printf '%s' "$1" | sed -e "s/\\\\/\\\\\\\\/g" -e "s/'/''/g")"; }
init=/run/mysqld/init.sql
: >"$init"
if [ -n "$db" ]; then printf 'CREATE DATABASE IF NOT EXISTS `%s`;\n' "$db" >>"$init"; fi
if [ -n "$user" ]; then
  printf "CREATE USER IF NOT EXISTS %s@'%%' IDENTIFIED BY %s;\n" "$(sql_string "$user")" "$(sql_string "$password")" >>"$init"
  if [ -n "$db" ]; then printf "GRANT ALL ON \`%s\`.* TO %s@'%%';\n" "$db" "$(sql_string "$user")" >>"$init"; fi
fi
chown mysql "$init"
exec mariadbd --user=mysql --datadir="$DATADIR" --bind-address=0.0.0.0 --port=3306 --skip-name-resolve \
  --init-file="$init" "$@"
EOS
  import_rootfs "$dir" "$name" \
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    'ENV LANG=C.UTF-8' \
    'EXPOSE 3306'
}

# ---------------------------------------------------------------------------
# Kafka (KRaft single node)
# ---------------------------------------------------------------------------
# Image layout (same paths as the official apache/kafka image):
#   /etc/kafka/docker/run   CMD: writes /opt/kafka/config/server.properties from
#                           single-node defaults + KAFKA_* env (KAFKA_FOO_BAR ->
#                           foo.bar), formats the log dir once (CLUSTER_ID env,
#                           default 4L6g3nShT-eMCtK--X86sw), execs kafka.Kafka.
#                           Logs go to stdout.
#   /opt/kafka/bin/*.sh     kafka-topics.sh, kafka-console-producer.sh,
#                           kafka-console-consumer.sh, kafka-storage.sh, ... (on PATH)
#   /var/lib/kafka/data     log dir
# Without any env it serves PLAINTEXT on 9092 advertised as localhost:9092
# (right only for `docker run -p 9092:9092`).
#
# How a Testcontainers GenericContainer starts it (the starter-script approach
# of Testcontainers' own Kafka modules; works unchanged with apache/kafka):
#   1. withExposedPorts(9092)
#      withEnvironment({ CLUSTER_ID: "4L6g3nShT-eMCtK--X86sw", KAFKA_NODE_ID: "1",
#        KAFKA_PROCESS_ROLES: "broker,controller",
#        KAFKA_LISTENERS: "PLAINTEXT://:9092,BROKER://:9093,CONTROLLER://:9094",
#        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "BROKER:PLAINTEXT,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
#        KAFKA_INTER_BROKER_LISTENER_NAME: "BROKER", KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
#        KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9094",
#        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1", KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: "1",
#        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1", KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
#        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0" })
#      withCommand(["sh", "-c", 'echo "Waiting for script..."; while [ ! -f /tmp/testcontainers_start.ready ]; do sleep 0.1; done; exec bash /tmp/testcontainers_start.sh'])
#      withWaitStrategy(Wait.forLogMessage("Waiting for script..."))
#   2. after start(): bootstrap = `${c.getHost()}:${c.getMappedPort(9092)}`, then
#      c.copyContentToContainer([
#        { content: `#!/bin/bash\nexport KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://${bootstrap},BROKER://${c.getHostname()}:9093\nexec /etc/kafka/docker/run\n`,
#          target: "/tmp/testcontainers_start.sh", mode: 0o755 },
#        { content: "", target: "/tmp/testcontainers_start.ready" } ])   // flag AFTER the script
#   3. wait until the container log shows "Transitioning from RECOVERY to RUNNING"
#      (read c.logs() until it matches; about 5-8 s here), then connect clients to
#      `bootstrap`. Inside the container (exec), tools use localhost:9093 (BROKER).
# Alternative without a starter script: pick a free host port P yourself,
# withExposedPorts({ container: 9092, host: P }) and
# KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://localhost:P (default CMD, no command override),
# wait for the same log line.

# list_jar_entries JAR... -> entry names
list_jar_entries() {
  local j
  for j in "$@"; do
    if command -v unzip >/dev/null 2>&1; then unzip -Z1 "$j"
    else jar tf "$j"; fi
  done
}

# first_class LIBDIR CLASS... -> the first class that exists in the jars
first_class() {
  local libdir="$1"; shift
  local c
  for c in "$@"; do
    if grep -qx "${c//.//}.class" "$libdir/.classes"; then echo "$c"; return 0; fi
  done
  return 1
}

fetch_kafka_jars() { # fetch_kafka_jars VERSION -> prints lib dir
  local ver="$1"
  local work="$CACHE_DIR/kafka/$ver"
  local libdir="$work/libs"
  if [ -f "$libdir/.complete" ]; then
    log "kafka $ver: jars cached ($libdir)"
    echo "$libdir"; return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn (Maven) is needed to fetch the Kafka jars"
  command -v java >/dev/null 2>&1 || die "java is needed to run Maven"
  rm -rf "$libdir"; mkdir -p "$work"
  local major="${ver%%.*}"
  # Logging binding so the broker logs to stdout: Kafka 3.x uses reload4j
  # (added to the pom); Kafka 4.x uses log4j2, whose log4j-core is already a
  # runtime dependency: log4j-slf4j-impl of that same version is added after.
  local extra=""
  if [ "$major" -lt 4 ]; then
    extra='
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>'
  fi
  cat >"$work/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- generated by twinflow e2e/images/build-images.sh -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>twinflow.e2e</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>$ver</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$ver</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$ver</version></dependency>$extra
  </dependencies>
</project>
EOF
  local mvn=(mvn -B -q -Dmaven.repo.local="$CACHE_DIR/m2")
  log "kafka $ver: mvn dependency:copy-dependencies (Maven repo: $CACHE_DIR/m2)"
  local t0=$SECONDS
  if ! "${mvn[@]}" -f "$work/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$libdir" >"$work/mvn.log" 2>&1; then
    tail -n 40 "$work/mvn.log" >&2
    if grep -q "org.apache.kafka:kafka-tools:jar:$ver" "$work/mvn.log"; then
      die "Maven Central has kafka_2.13 $ver but not org.apache.kafka:kafka-tools:$ver (TopicCommand, console producer/consumer); pick another Kafka version (log: $work/mvn.log)"
    fi
    die "mvn could not fetch Kafka $ver from Maven Central (is it a released version? log: $work/mvn.log)"
  fi
  if [ "$major" -ge 4 ]; then
    local core l4j
    core="$(find "$libdir" -maxdepth 1 -name 'log4j-core-*.jar' -printf '%f\n' | head -n1)"
    [ -n "$core" ] || die "Kafka $ver: no log4j-core jar among its dependencies; cannot pick a log4j2 binding"
    l4j="${core#log4j-core-}"; l4j="${l4j%.jar}"
    if ! "${mvn[@]}" -f "$work/pom.xml" dependency:copy -Dartifact="org.apache.logging.log4j:log4j-slf4j-impl:$l4j" \
          -DoutputDirectory="$libdir" >>"$work/mvn.log" 2>&1; then
      tail -n 40 "$work/mvn.log" >&2
      die "mvn could not fetch log4j-slf4j-impl $l4j (log: $work/mvn.log)"
    fi
  fi
  [ -n "$(ls "$libdir"/kafka_2.13-"$ver".jar 2>/dev/null)" ] || die "kafka_2.13-$ver.jar missing in $libdir"
  list_jar_entries "$libdir"/*.jar | grep '\.class$' >"$libdir/.classes"
  touch "$libdir/.complete"
  log "kafka $ver: $(find "$libdir" -maxdepth 1 -name '*.jar' | wc -l) jars in $((SECONDS - t0))s"
  echo "$libdir"
}

build_kafka() { # build_kafka IMAGE VERSION
  local name="$1" ver="$2"
  [[ "$ver" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "Kafka version '$ver' (for $name) is not X.Y.Z; set TWINFLOW_KAFKA_VERSION/TWINFLOW_KAFKA4_VERSION"
  local libdir base dir
  libdir="$(fetch_kafka_jars "$ver")"
  base="$(make_rootfs jre17 openjdk-17-jre-headless)"
  dir="$CACHE_DIR/rootfs/kafka-$ver"
  log "kafka $ver: assembling rootfs $dir"
  safe_rm_rootfs "$dir"
  cp -a "$base" "$dir"
  # openjdk's postinst leaves a Java class-data archive and cacerts; nothing else needed.
  mkdir -p "$dir/opt/kafka/libs" "$dir/opt/kafka/bin" "$dir/opt/kafka/config" "$dir/etc/kafka/docker" \
           "$dir/var/lib/kafka/data"
  cp "$libdir"/*.jar "$dir/opt/kafka/libs/"
  echo "$ver" >"$dir/opt/kafka/VERSION"

  local c_topics c_producer c_consumer c_storage c_groups c_apiversions c_quorum c_configs
  c_topics="$(first_class "$libdir" org.apache.kafka.tools.TopicCommand kafka.admin.TopicCommand)" || die "no TopicCommand in Kafka $ver jars"
  c_producer="$(first_class "$libdir" org.apache.kafka.tools.ConsoleProducer kafka.tools.ConsoleProducer)" || die "no ConsoleProducer in Kafka $ver jars"
  c_consumer="$(first_class "$libdir" org.apache.kafka.tools.consumer.ConsoleConsumer kafka.tools.ConsoleConsumer)" || die "no ConsoleConsumer in Kafka $ver jars"
  c_storage="$(first_class "$libdir" kafka.tools.StorageTool org.apache.kafka.tools.StorageTool)" || die "no StorageTool in Kafka $ver jars"
  c_groups="$(first_class "$libdir" org.apache.kafka.tools.consumer.group.ConsumerGroupCommand kafka.admin.ConsumerGroupCommand)" || c_groups=""
  c_apiversions="$(first_class "$libdir" org.apache.kafka.tools.BrokerApiVersionsCommand kafka.admin.BrokerApiVersionsCommand)" || c_apiversions=""
  c_quorum="$(first_class "$libdir" org.apache.kafka.tools.MetadataQuorumCommand)" || c_quorum=""
  c_configs="$(first_class "$libdir" org.apache.kafka.tools.ConfigCommand kafka.admin.ConfigCommand)" || c_configs=""

  # Logging: broker -> stdout (log4j 1 / reload4j for 3.x, log4j2 for 4.x); tools -> stderr, WARN.
  write_file "$dir/opt/kafka/config/log4j.properties" 0644 <<'EOS'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.authorizer.logger=WARN
EOS
  write_file "$dir/opt/kafka/config/tools-log4j.properties" 0644 <<'EOS'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.appender.stderr.Target=System.err
EOS
  write_file "$dir/opt/kafka/config/log4j2.properties" 0644 <<'EOS'
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = warn
EOS
  write_file "$dir/opt/kafka/config/tools-log4j2.properties" 0644 <<'EOS'
status = warn
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = STDERR
EOS

  write_file "$dir/opt/kafka/bin/kafka-run-class.sh" 0755 <<'EOS'
#!/bin/bash
# kafka-run-class.sh CLASS [ARGS...]: run a class from /opt/kafka/libs (tools logging to stderr).
set -euo pipefail
: "${KAFKA_HEAP_OPTS:=-Xmx256M}"
: "${KAFKA_LOG4J_OPTS:=-Dlog4j.configuration=file:/opt/kafka/config/tools-log4j.properties -Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties}"
: "${KAFKA_JVM_PERFORMANCE_OPTS:=-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true}"
# shellcheck disable=SC2086
exec java $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $KAFKA_LOG4J_OPTS ${KAFKA_OPTS:-} -cp '/opt/kafka/libs/*' "$@"
EOS
  local tool cls
  for tool in "kafka-topics.sh:$c_topics" "kafka-console-producer.sh:$c_producer" \
              "kafka-console-consumer.sh:$c_consumer" "kafka-storage.sh:$c_storage" \
              "kafka-consumer-groups.sh:$c_groups" "kafka-broker-api-versions.sh:$c_apiversions" \
              "kafka-metadata-quorum.sh:$c_quorum" "kafka-configs.sh:$c_configs"; do
    cls="${tool#*:}"; [ -n "$cls" ] || continue
    printf '#!/bin/sh\nexec /opt/kafka/bin/kafka-run-class.sh %s "$@"\n' "$cls" \
      | write_file "$dir/opt/kafka/bin/${tool%%:*}" 0755
  done

  # /etc/kafka/docker/run: same path and KAFKA_* environment convention as the
  # official apache/kafka image (KAFKA_FOO_BAR -> foo.bar, __ -> _, ___ -> -),
  # but env values are MERGED over single-node defaults (the official image
  # drops its defaults as soon as any KAFKA_* config is given).
  write_file "$dir/etc/kafka/docker/run" 0755 <<EOS
#!/bin/bash
# Start a single-node KRaft Kafka ($ver) configured from the environment.
set -euo pipefail
STORAGE_TOOL_CLASS=$c_storage
EOS
  cat >>"$dir/etc/kafka/docker/run" <<'EOS'
CONF=/opt/kafka/config/server.properties
declare -A props=()
declare -a order=()
setp() { [ -n "${props[$1]+x}" ] || order+=("$1"); props[$1]="$2"; }
# Defaults: one node that is broker and controller; PLAINTEXT on 9092 for clients.
setp node.id 1
setp process.roles broker,controller
setp listeners PLAINTEXT://:9092,CONTROLLER://:9093
setp advertised.listeners PLAINTEXT://localhost:9092
setp controller.listener.names CONTROLLER
setp inter.broker.listener.name PLAINTEXT
setp listener.security.protocol.map CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
setp log.dirs /var/lib/kafka/data
setp num.partitions 1
setp offsets.topic.replication.factor 1
setp offsets.topic.num.partitions 1
setp transaction.state.log.replication.factor 1
setp transaction.state.log.min.isr 1
setp group.initial.rebalance.delay.ms 0
setp auto.create.topics.enable true
[ "${KAFKA_VERSION%%.*}" -ge 4 ] && { setp share.coordinator.state.topic.replication.factor 1; setp share.coordinator.state.topic.min.isr 1; }
# Environment: KAFKA_<PROPERTY> (not the JVM/launcher variables).
while IFS='=' read -r -d '' k v; do
  case "$k" in
    KAFKA_VERSION|KAFKA_HOME|KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JMX_OPTS|KAFKA_JVM_PERFORMANCE_OPTS|KAFKA_GC_LOG_OPTS|KAFKA_LOG4J_OPTS|KAFKA_LOG4J_ROOT_LOGLEVEL|KAFKA_LOG4J_LOGGERS|KAFKA_TOOLS_LOG4J_LOGLEVEL|KAFKA_JMX_HOSTNAME|KAFKA_JMX_PORT|KAFKA_DEBUG) continue ;;
    KAFKA_*) ;;
    *) continue ;;
  esac
  p="${k#KAFKA_}"; p="${p,,}"; p="${p//___/-}"; p="${p//__/@}"; p="${p//_/.}"; p="${p//@/_}"
  setp "$p" "$v"
done < <(env -0)
# Quorum: if none is given, the node votes for itself on its CONTROLLER listener.
if [ -z "${props[controller.quorum.voters]:-}" ] && [ -z "${props[controller.quorum.bootstrap.servers]:-}" ]; then
  cname="${props[controller.listener.names]%%,*}"
  cport="$(tr ',' '\n' <<<"${props[listeners]}" | sed -n "s#^${cname}://[^,]*:\([0-9][0-9]*\)\$#\1#p" | head -n1)"
  [ -n "$cport" ] || { echo "[kafka-run] no ${cname} listener in listeners=${props[listeners]}" >&2; exit 1; }
  setp controller.quorum.voters "${props[node.id]}@localhost:${cport}"
fi
: >"$CONF"
for k in "${order[@]}"; do printf '%s=%s\n' "$k" "${props[$k]}" >>"$CONF"; done
echo "[kafka-run] Kafka ${KAFKA_VERSION}: advertised.listeners=${props[advertised.listeners]} listeners=${props[listeners]}"
# Format the log dir once (KRaft). CLUSTER_ID as in the official image.
cluster_id="${CLUSTER_ID:-4L6g3nShT-eMCtK--X86sw}"
first_dir="${props[log.dirs]%%,*}"
if [ ! -f "$first_dir/meta.properties" ]; then
  KAFKA_HEAP_OPTS=-Xmx128M /opt/kafka/bin/kafka-run-class.sh "$STORAGE_TOOL_CLASS" format \
    -t "$cluster_id" -c "$CONF" --ignore-formatted
fi
: "${KAFKA_HEAP_OPTS:=-Xmx512M -Xms128M}"
: "${KAFKA_JVM_PERFORMANCE_OPTS:=-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}"
: "${KAFKA_LOG4J_OPTS:=-Dlog4j.configuration=file:/opt/kafka/config/log4j.properties -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties}"
# shellcheck disable=SC2086
exec java $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $KAFKA_LOG4J_OPTS ${KAFKA_OPTS:-} \
  -cp '/opt/kafka/libs/*' kafka.Kafka "$CONF"
EOS

  import_rootfs "$dir" "$name" \
    'CMD ["/etc/kafka/docker/run"]' \
    "ENV KAFKA_VERSION=$ver" \
    'ENV KAFKA_HOME=/opt/kafka' \
    'ENV PATH=/opt/kafka/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'WORKDIR /opt/kafka' \
    'EXPOSE 9092'
  # the assembled copy is cheap to redo; keep only the shared JRE rootfs
  safe_rm_rootfs "$dir"
}

# ---------------------------------------------------------------------------
# SMTP (Exim 4.96): a real mail server for the email channel's tests
# ---------------------------------------------------------------------------
# Exim, not OpenSMTPD: bookworm's OpenSMTPD 6.8 (built against OpenSSL 3) fails every TLS
# handshake ("SSL routines::EVP lib", in its privilege-separated key process), so it cannot
# test STARTTLS; Exim uses GnuTLS.
# Image interface:
#   ports        25 (SMTP with STARTTLS), 465 (SMTPS); AUTH PLAIN/LOGIN is offered over TLS only,
#                and no mail is taken without it (SMTP_PORT / SMTPS_PORT move them)
#   env          SMTP_HOSTNAME (banner and certificate name; default smtp.test),
#                SMTP_USER / SMTP_PASSWORD (the one account; default twinflow / twinflow)
#   certificate  self-signed, made at the first start for SMTP_HOSTNAME, localhost and 127.0.0.1:
#                /etc/exim4/tls/cert.pem (a test reads it and trusts it as its CA)
#   delivery     every accepted message, whatever its recipients, to the one maildir
#                /var/vmail/inbox/new/, with an Envelope-to header naming them (Exim will not
#                build a path from a recipient address: it is "tainted" data)
#   logs         "smtp ready" once the configuration is checked; Exim's main log on stdout
build_smtp() {
  local name="$TWINFLOW_SMTP_IMAGE"
  local dir
  dir="$(make_rootfs smtp exim4-daemon-light,openssl)"
  [ -x "$dir/usr/sbin/exim4" ] || die "exim4 missing in $dir (expected /usr/sbin/exim4)"
  grep -q '^vmail:' "$dir/etc/passwd" || chroot "$dir" useradd --system --home-dir /var/vmail --create-home --shell /usr/sbin/nologin vmail
  write_file "$dir/usr/local/bin/smtp-entrypoint.sh" 0755 <<'EOS'
#!/bin/sh
set -eu
host="${SMTP_HOSTNAME:-smtp.test}"
user="${SMTP_USER:-twinflow}"
pass="${SMTP_PASSWORD:-twinflow}"
case "$user$pass$host" in *[!A-Za-z0-9._@+-]*) echo "SMTP_HOSTNAME, SMTP_USER and SMTP_PASSWORD take letters, digits and . _ @ + - only" >&2; exit 2 ;; esac
mkdir -p /etc/exim4/tls /var/vmail /var/log/exim4 /var/spool/exim4
chown vmail:vmail /var/vmail
chown Debian-exim:Debian-exim /var/log/exim4 /var/spool/exim4
if [ ! -s /etc/exim4/tls/cert.pem ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$host" \
    -addext "subjectAltName=DNS:$host,DNS:localhost,IP:127.0.0.1" \
    -keyout /etc/exim4/tls/key.pem -out /etc/exim4/tls/cert.pem 2>/dev/null
  chgrp Debian-exim /etc/exim4/tls/key.pem
  chmod 640 /etc/exim4/tls/key.pem
  chmod 644 /etc/exim4/tls/cert.pem
fi
cat >/etc/exim4/exim4.conf <<EOF
primary_hostname = $host
daemon_smtp_ports = ${SMTP_PORT:-25} : ${SMTPS_PORT:-465}
tls_on_connect_ports = ${SMTPS_PORT:-465}
tls_advertise_hosts = *
tls_certificate = /etc/exim4/tls/cert.pem
tls_privatekey = /etc/exim4/tls/key.pem
auth_advertise_hosts = \${if def:tls_in_cipher {*}{}}
acl_smtp_mail = acl_check_mail
acl_smtp_rcpt = acl_check_rcpt
log_file_path = /var/log/exim4/%slog
log_selector = +tls_cipher +tls_peerdn +received_recipients
host_lookup =
rfc1413_hosts =
keep_environment =

begin acl
acl_check_mail:
  accept authenticated = *
  deny message = 530 authentication required (AUTH after STARTTLS)
acl_check_rcpt:
  accept authenticated = *
  deny message = authentication required

begin routers
everyone:
  driver = accept
  transport = maildir

begin transports
maildir:
  driver = appendfile
  directory = /var/vmail/inbox
  maildir_format
  create_directory
  delivery_date_add
  envelope_to_add
  return_path_add
  user = vmail
  group = vmail
  mode = 0644

begin retry
*   *   F,1h,1m

begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = \${if and {{eq{\$auth2}{$user}}{eq{\$auth3}{$pass}}}}
  server_set_id = \$auth2
  server_advertise_condition = \${if def:tls_in_cipher}
login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_condition = \${if and {{eq{\$auth1}{$user}}{eq{\$auth2}{$pass}}}}
  server_set_id = \$auth1
  server_advertise_condition = \${if def:tls_in_cipher}
EOF
exim4 -bV >/dev/null
echo "smtp ready: $host, user $user" >&2
touch /var/log/exim4/mainlog /var/log/exim4/paniclog
chown Debian-exim:Debian-exim /var/log/exim4/mainlog /var/log/exim4/paniclog
tail -F -q /var/log/exim4/mainlog /var/log/exim4/paniclog &
exec exim4 -bdf -q1m
EOS
  import_rootfs "$dir" "$name" \
    'ENTRYPOINT ["/usr/local/bin/smtp-entrypoint.sh"]' \
    'EXPOSE 25 465'
}

kafka_version_of() { # kafka_version_of IMAGE OVERRIDE
  if [ -n "$2" ]; then echo "$2"; else echo "${1##*:}"; fi
}

# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------
targets=()
for a in "$@"; do
  case "$a" in
    --force|-f) FORCE=1 ;;
    -h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    all) targets+=(redis clickhouse kafka kafka4 smtp postgres mariadb) ;;
    redis|clickhouse|kafka|kafka4|kafka:*|smtp|postgres|mariadb) targets+=("$a") ;;
    *) die "unknown target '$a' (try --help)" ;;
  esac
done
[ "${#targets[@]}" -gt 0 ] || targets=(redis clickhouse kafka smtp postgres mariadb)

"$HERE/setup-docker.sh"
mkdir -p "$CACHE_DIR"
# one builder at a time per cache dir
exec 9>"$CACHE_DIR/.lock"
if ! flock -n 9; then
  log "another build-images.sh holds $CACHE_DIR/.lock; waiting for it"
  flock 9
fi

T_ALL=$SECONDS
for t in "${targets[@]}"; do
  case "$t" in
    redis)      img="$TWINFLOW_REDIS_IMAGE" ;;
    clickhouse) img="$TWINFLOW_CLICKHOUSE_IMAGE" ;;
    kafka)      img="$TWINFLOW_KAFKA_IMAGE" ;;
    kafka4)     img="$TWINFLOW_KAFKA4_IMAGE" ;;
    kafka:*)    img="twinflow/kafka:${t#kafka:}" ;;
    smtp)       img="$TWINFLOW_SMTP_IMAGE" ;;
    postgres)   img="$TWINFLOW_POSTGRES_IMAGE" ;;
    mariadb)    img="$TWINFLOW_MARIADB_IMAGE" ;;
  esac
  if [ "$FORCE" != 1 ] && image_exists "$img"; then
    log "$img: present, not rebuilt (use --force to rebuild)"
    SUMMARY+=("$(printf '%-38s %-8s %6s  %s' "$img" present - "$(docker image inspect -f '{{.Size}}' "$img" | awk '{printf "%.0f MB", $1/1e6}')")")
    continue
  fi
  case "$img" in
    twinflow/*) ;;
    *) die "$img is missing and is not a twinflow/* image; this script only builds the offline images (pull '$img' where a registry is reachable)" ;;
  esac
  old_id="$(docker image inspect -f '{{.Id}}' "$img" 2>/dev/null || true)"
  t0=$SECONDS
  log "=== building $img ==="
  case "$t" in
    redis)      build_redis ;;
    clickhouse) build_clickhouse ;;
    kafka)      build_kafka "$img" "$(kafka_version_of "$img" "${TWINFLOW_KAFKA_VERSION:-}")" ;;
    kafka4)     build_kafka "$img" "$(kafka_version_of "$img" "${TWINFLOW_KAFKA4_VERSION:-}")" ;;
    kafka:*)    build_kafka "$img" "${t#kafka:}" ;;
    smtp)       build_smtp ;;
    postgres)   build_postgres ;;
    mariadb)    build_mariadb ;;
  esac
  image_exists "$img" || die "$img was not created"
  # --force: drop the image this build replaced, unless something else still uses it
  if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "$img")" ]; then
    docker rmi "$old_id" >/dev/null 2>&1 || true
  fi
  dt=$((SECONDS - t0))
  size="$(docker image inspect -f '{{.Size}}' "$img" | awk '{printf "%.0f MB", $1/1e6}')"
  log "=== built $img in ${dt}s ($size) ==="
  SUMMARY+=("$(printf '%-38s %-8s %5ss  %s' "$img" built "$dt" "$size")")
done

echo
echo "image                                  status     time  size"
printf '%s\n' "${SUMMARY[@]}"
echo "total: $((SECONDS - T_ALL))s (cache: $CACHE_DIR)"
