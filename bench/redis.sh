#!/usr/bin/env bash
# A throwaway Redis for the benchmarks, on a free loopback port in a temp folder, without persistence.
# Prints host:port for --redis; stop it with: kill $(cat <folder>/pid)
#   dotnet run -c Release --project bench/StockAlerts.Bench -- cluster --db-mysql "$(bench/mariadb.sh)" --redis "$(bench/redis.sh)"
set -euo pipefail
folder=$(mktemp -d /tmp/stockalerts-bench-redis-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --dir "$folder" --save '' --appendonly no --daemonize yes --pidfile "$folder/pid" --logfile "$folder/log" >/dev/null
for _ in $(seq 1 50); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
echo >&2 "Redis in $folder (pid $(cat "$folder/pid")), port $port"
echo "127.0.0.1:$port"
