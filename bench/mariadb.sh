#!/usr/bin/env bash
# A throwaway MariaDB for the benchmarks, durable as a production server is (every commit synced to disk), on a
# free loopback port in a temp folder, with an empty database "bench" (drop and create it again between runs).
# Prints the connection string for --db-mysql; stop it with: kill $(cat <folder>/pid)
#   conn=$(bench/mariadb.sh) && dotnet run -c Release --project bench/StockAlerts.Bench -- firings --db-mysql "$conn"
set -euo pipefail
PATH="$PATH:/usr/sbin"
folder=$(mktemp -d /tmp/stockalerts-bench-mariadb-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
user=$(id -un)
mariadb-install-db --no-defaults --user="$user" --datadir="$folder/data" --skip-test-db --auth-root-authentication-method=socket >/dev/null
mariadbd --no-defaults --user="$user" --datadir="$folder/data" --socket="$folder/sock" --port="$port" --bind-address=127.0.0.1 \
  --skip-log-bin --skip-name-resolve --innodb-buffer-pool-size=512M --max-connections=500 --log-error="$folder/log" >"$folder/out" 2>&1 &
echo $! > "$folder/pid"
for _ in $(seq 1 120); do
  mariadb --no-defaults --socket="$folder/sock" --user="$user" -e "SELECT 1" >/dev/null 2>&1 && break
  sleep 0.5
done
mariadb --no-defaults --socket="$folder/sock" --user="$user" -e \
  "CREATE USER 'bench'@'%' IDENTIFIED BY 'bench'; GRANT ALL PRIVILEGES ON *.* TO 'bench'@'%'; CREATE DATABASE bench;"
echo >&2 "MariaDB in $folder (pid $(cat "$folder/pid")), port $port"
echo "Server=127.0.0.1;Port=$port;Database=bench;User=bench;Password=bench"
