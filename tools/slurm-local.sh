#!/usr/bin/env bash
# A one-node SLURM cluster on this machine, for trying the cluster path (profiles/slurm) and as the
# fixture of tests/workflow/test_slurm.py.  Debian packages (installed here if missing, as root):
# slurm-wlm (slurmctld + slurmd), munge, slurmdbd with mariadb-server (the executor plugin asks
# `sacct` for job states; with accounting storage off `sacct` fails and the plugin polls forever).
# No systemd: every daemon is started directly, with its pid file under the state directory.
#
#   bash tools/slurm-local.sh start    # idempotent: starts only what is not running
#   bash tools/slurm-local.sh status   # exit 0 when sinfo sees the node idle/mixed and sacct answers
#   bash tools/slurm-local.sh stop     # ends every daemon this script started
#
# The configuration goes to /etc/slurm (where sbatch/sacct look for it) and is only written when
# absent or written by this script before; a foreign slurm.conf is never touched.
# Environment: CLUSTERUP_SLURM_DIR (state, default /var/tmp/clusterup-slurm),
# CLUSTERUP_SLURM_DB_PORT (MariaDB port on 127.0.0.1, default 33061).
set -euo pipefail

STATE="${CLUSTERUP_SLURM_DIR:-/var/tmp/clusterup-slurm}"
DB_PORT="${CLUSTERUP_SLURM_DB_PORT:-33061}"
DB_PASS="clusterup-local"        # a throwaway password for a database that only listens on 127.0.0.1
CONF_DIR=/etc/slurm
MARK="# written by clusterup tools/slurm-local.sh"
CLUSTER=clusterup
DEB_PACKAGES="slurm-wlm slurmdbd munge mariadb-server"

die() { echo "slurm-local: $*" >&2; exit 1; }
say() { echo "slurm-local: $*"; }

pidfile() {  # MariaDB runs as mysql and writes into its own directory
  if [ "$1" = mariadb ]; then echo "$STATE/mysql-run/mariadb.pid"; else echo "$STATE/$1.pid"; fi
}

alive() {  # alive NAME: the daemon whose pid file this script keeps is running
  local f; f=$(pidfile "$1")
  [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local n=$(( $1 * 5 )) what=$2; shift 2
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "$what did not come up (logs in $STATE/log)"
}

install_packages() {
  local missing=""
  for p in $DEB_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  [ -z "$missing" ] && return 0
  [ "$(id -u)" = 0 ] || die "missing Debian packages:$missing (run as root or: sudo apt-get install$missing)"
  say "installing Debian packages:$missing"
  apt-get update -qq
  # policy-rc.d keeps the packages' own services from starting (this script starts the daemons)
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq $missing >/dev/null
}

write_conf() {
  local f="$CONF_DIR/$1"
  if [ -e "$f" ] && ! grep -qF "$MARK" "$f"; then
    die "$f exists and was not written by this script; not touching a real cluster's configuration"
  fi
  cat >"$f"
  chmod "$2" "$f"
}

configure() {
  mkdir -p "$STATE"/{log,spool/ctld,spool/d,mysql} "$CONF_DIR"
  local node cpus mem
  node=$(hostname -s)
  cpus=$(nproc)
  mem=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
  mem=$(( mem * 9 / 10 ))
  write_conf slurm.conf 644 <<EOF
$MARK
ClusterName=$CLUSTER
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/spool/ctld
SlurmdSpoolDir=$STATE/spool/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
# no cgroups (containers, no systemd): plain process tracking, no task binding
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
JobCompType=jobcomp/none
# the executor plugin puts "rule_<name>_wildcards_<w>" in the job comment; keep it for sacct
AccountingStoreFlags=job_comment
# finished jobs stay visible to squeue for 5 minutes (the plugin may poll with squeue)
MinJobAge=300
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
# every Snakemake start imports the SLURM executor plugin, which runs "scontrol show config"; with
# the default MessageTimeout (10 s) that call hangs 9 s whenever these daemons are stopped, so
# every local run (and test) paid 9 s. 1 s (the least): a stopped cluster then answers at once (2 s
# cost 1 s per Snakemake start, measured); loopback RPCs need far less
MessageTimeout=1
InactiveLimit=0
KillWait=5
MpiDefault=none
NodeName=$node CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  write_conf slurmdbd.conf 600 <<EOF
$MARK
AuthType=auth/munge
DbdHost=localhost
SlurmUser=root
PidFile=$STATE/slurmdbd.pid
LogFile=$STATE/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=$DB_PASS
StorageLoc=slurm_acct_db
EOF
  # cgroup.conf is not used (proctrack/linuxproc); plugstack.conf comes with the package
}

start_munge() {
  alive munged && return 0
  [ -s /etc/munge/munge.key ] || { mungekey --create --keyfile /etc/munge/munge.key 2>/dev/null || \
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; }
  chown munge:munge /etc/munge/munge.key; chmod 600 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  # a munged from an earlier run whose pid file is gone still holds the socket
  if [ -S /run/munge/munge.socket.2 ] && munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    die "a munged not started by this script is running; stop it first"
  fi
  rm -f /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid --force
  # munged writes its pid file as the munge user; keep our copy in the state directory
  wait_for 10 munged test -s /run/munge/munged.pid
  cp /run/munge/munged.pid "$STATE/munged.pid"
  wait_for 10 munged bash -c 'munge -n | unmunge'
}

start_mariadb() {
  alive mariadb && return 0
  mkdir -p "$STATE/mysql-run"
  chown -R mysql:mysql "$STATE/mysql" "$STATE/mysql-run"
  if [ ! -d "$STATE/mysql/mysql" ]; then
    mariadb-install-db --user=mysql --datadir="$STATE/mysql" --auth-root-authentication-method=socket \
      >"$STATE/log/mariadb-install.log" 2>&1
  fi
  /usr/sbin/mariadbd --user=mysql --datadir="$STATE/mysql" --socket="$STATE/mysql-run/mysql.sock" \
    --port="$DB_PORT" --bind-address=127.0.0.1 --pid-file="$STATE/mysql-run/mariadb.pid" \
    --log-error="$STATE/mysql-run/mariadb.log" --skip-log-bin --innodb-buffer-pool-size=64M \
    >/dev/null 2>&1 &
  wait_for 60 mariadb mariadb --socket="$STATE/mysql-run/mysql.sock" -e 'select 1'
  mariadb --socket="$STATE/mysql-run/mysql.sock" <<EOF
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
EOF
}

start_slurmdbd() {
  alive slurmdbd && return 0
  /usr/sbin/slurmdbd
  wait_for 30 slurmdbd sacctmgr -n show cluster
  if ! sacctmgr -n -P show cluster format=cluster | grep -qx "$CLUSTER"; then
    sacctmgr -i add cluster "$CLUSTER" >/dev/null
  fi
}

start_slurm() {
  alive slurmctld || /usr/sbin/slurmctld
  wait_for 30 slurmctld scontrol ping
  alive slurmd || /usr/sbin/slurmd
  wait_for 30 "slurmd (node idle)" bash -c "sinfo -h -N -o %T | grep -Eq '^(idle|mixed|allocated)'"
  # the submitting user needs an association for sbatch under accounting
  local user; user=$(id -un)
  if ! sacctmgr -n -P show assoc where user="$user" format=user | grep -qx "$user"; then
    sacctmgr -i add account local cluster="$CLUSTER" description=local organization=local >/dev/null 2>&1 || true
    sacctmgr -i add user "$user" account=local cluster="$CLUSTER" >/dev/null
  fi
}

status() {
  local rc=0
  for d in munged mariadb slurmdbd slurmctld slurmd; do
    if alive "$d"; then echo "$d: running (pid $(cat "$(pidfile "$d")"))"; else echo "$d: not running"; rc=1; fi
  done
  if [ $rc = 0 ]; then
    sinfo -h -N -o '%N %T %c cpus %m MB' || rc=1
    sacct -n -X -S now-1minutes >/dev/null || { echo "sacct does not answer"; rc=1; }
  fi
  return $rc
}

stop() {
  # reverse order of start; only daemons whose pid file this script wrote
  for d in slurmd slurmctld slurmdbd mariadb munged; do
    if alive "$d"; then
      local pid; pid=$(cat "$(pidfile "$d")")
      kill "$pid"
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
      say "stopped $d (pid $pid)"
    fi
    rm -f "$(pidfile "$d")"
  done
}

case "${1:-}" in
  start)
    [ "$(id -u)" = 0 ] || die "start needs root (the daemons run as root/munge/mysql users)"
    install_packages
    configure
    start_munge
    start_mariadb
    start_slurmdbd
    start_slurm
    say "one-node cluster up: $(sinfo -h -N -o '%N %T, %c CPUs')"
    ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
