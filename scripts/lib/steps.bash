# Sourced by the scripts whose steps take long (setup-dev's pip install, install-pulumi-cli,
# install-gen-sdk, gen-sdk): each step prints one line when it ends, with its elapsed time, and
# while it runs a progress line every $STEPS_HEARTBEAT seconds (20 by default), so that a
# person never waits half a minute without a line; the command's own output (`go: downloading
# ...`, compiler messages, pip's) goes to a log file under the cache, and only when a step fails
# is the log's tail shown, with its path.
#
#   steps_log NAME          start $cache_root/logs/NAME.log afresh; sets steps_log_file
#   step "WHAT" CMD ARGS... run CMD with its output in the log; lines on stderr for WHAT:
#                             PREFIX: WHAT: 212 packages compiled so far (40s)   while it runs
#                             PREFIX: WHAT (184s)                                 when it ends
#                           with steps_show_output=1, what CMD printed follows that last line
#                           (`PREFIX:   | ...`): a command quiet but for its warnings (pip -q)
#
# The progress line counts what the log shows: packages compiled by `go build -v` (one import
# path a line), modules downloaded by `go get`/`go mod` (`go: downloading`), else says the step
# is still running. The caller sets steps_prefix (the script's name) and cache_root.

steps_log() { # steps_log NAME
  mkdir -p "$cache_root/logs"
  steps_log_file="$cache_root/logs/$1.log"
  printf '# %s, %s\n' "$steps_prefix" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$steps_log_file"
}

steps_counted() { # steps_counted CMD ARGS...: what the progress line of this command counts
  case "$1 ${2:-}" in
    "go build") echo packages ;;
    "go get" | "go mod") echo modules ;;
    *) echo nothing ;;
  esac
}

steps_progress() { # steps_progress FROM WHAT_COUNTED: how far the step is, from its log
  local from=$1 counted=$2 n=0
  case "$counted" in
    packages) n=$(tail -n +"$from" "$steps_log_file" | grep -cE '^[A-Za-z0-9_.~/-]+$' || true) ;;
    modules) n=$(tail -n +"$from" "$steps_log_file" | grep -c '^go: downloading ' || true) ;;
  esac
  if [ "$n" -gt 0 ] && [ "$counted" = packages ]; then
    echo "$n packages compiled so far"
  elif [ "$n" -gt 0 ]; then
    echo "$n modules downloaded so far"
  else
    echo "still running"
  fi
}

steps_beat() { # steps_beat WHAT START FROM COUNTED OWNER: a progress line while OWNER lives
  local what=$1 start=$2 from=$3 counted=$4 owner=$5 sleeper=""
  trap '[ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null; exit 0' TERM
  while kill -0 "$owner" 2>/dev/null; do
    # sleep holds no descriptor of ours: a reader of our stderr is never kept waiting by it.
    sleep "${STEPS_HEARTBEAT:-20}" </dev/null >/dev/null 2>&1 &
    sleeper=$!
    wait "$sleeper" || exit 0
    kill -0 "$owner" 2>/dev/null || exit 0
    printf '%s: %s: %s (%ss)\n' "$steps_prefix" "$what" \
      "$(steps_progress "$from" "$counted")" "$((SECONDS - start))" >&2
  done
}

step() { # step "WHAT" CMD ARGS...: progress lines on stderr; CMD's output goes to the log
  local what=$1 start=$SECONDS status=0 from beat
  shift
  printf '\n$ %s\n' "$*" >>"$steps_log_file"
  from=$(($(wc -l <"$steps_log_file") + 1))
  steps_beat "$what" "$start" "$from" "$(steps_counted "$@")" "$BASHPID" &
  beat=$!
  "$@" >>"$steps_log_file" 2>&1 </dev/null || status=$?
  kill "$beat" 2>/dev/null || true
  wait "$beat" 2>/dev/null || true
  local took=$((SECONDS - start))
  if [ "$status" -eq 0 ]; then
    printf '%s: %s (%ss)\n' "$steps_prefix" "$what" "$took" >&2
    if [ -n "${steps_show_output:-}" ]; then
      tail -n +"$from" "$steps_log_file" | sed "s/^/$steps_prefix:   | /" >&2
    fi
    return 0
  fi
  printf '%s: %s FAILED after %ss (exit %s); the end of its log:\n' \
    "$steps_prefix" "$what" "$took" "$status" >&2
  tail -n "${STEPS_LOG_TAIL:-25}" "$steps_log_file" | sed 's/^/  | /' >&2
  printf '%s: the whole log: %s\n' "$steps_prefix" "$steps_log_file" >&2
  return "$status"
}
