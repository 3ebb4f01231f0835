#!/bin/sh
# The `load` profile's load generator (compose.yaml): seeds the items, then places orders on kurir's API at a set
# rate with the benchmark's open-loop generator (bench/src/LoadGen.java), in rounds of LOAD_SECONDS, each round
# printing its HTTP counts and latencies. Runs until stopped, or for LOAD_ROUNDS rounds when that is set.
#   LOAD_URL (http://kurir:8080)  LOAD_RATE orders/s (20)  LOAD_SKUS (100)  LOAD_SECONDS (600, at most 600)
#   LOAD_CONNECTIONS (8)  LOAD_CLASSES: the compiled LoadGen, Load and SeedItems (/app/load in the image)
set -eu
url="${LOAD_URL:-http://kurir:8080}"
rate="${LOAD_RATE:-20}"
skus="${LOAD_SKUS:-100}"
seconds="${LOAD_SECONDS:-600}"
rounds="${LOAD_ROUNDS:-0}"
classes="${LOAD_CLASSES:-/app/load}"

java -cp "$classes" SeedItems "$url" "$skus"
round=0
while [ "$rounds" -eq 0 ] || [ "$round" -lt "$rounds" ]; do
  round=$((round + 1))
  echo "round $round: $rate orders/s for ${seconds}s on $url"
  # A round with errors (kurir restarting, say) is reported and the next one starts; only a bounded run fails.
  if ! java -cp "$classes" LoadGen url="$url" mode=fixed rate="$rate" seconds="$seconds" skus="$skus" \
      connections="${LOAD_CONNECTIONS:-8}"; then
    echo "round $round: not every order was accepted"
    if [ "$rounds" -ne 0 ]; then exit 1; fi
    sleep 5
  fi
done
