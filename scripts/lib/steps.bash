# Sourced by the scripts that build with Go (install-pulumi-cli, install-gen-sdk, gen-sdk): each
# step prints one line with its elapsed time; the Go tool's own output (`go: downloading ...`,
# compiler messages) goes to a log file under the cache, and only when a step fails is the
# log's tail shown, with its path.
#
#   steps_log NAME          start $cache_root/logs/NAME.log afresh; sets steps_log_file
#   step "WHAT" CMD ARGS... run CMD with its output in the log; one line on stderr for WHAT
#
# The caller sets steps_prefix (the script's name) and cache_root.

steps_log() { # steps_log NAME
  mkdir -p "$cache_root/logs"
  steps_log_file="$cache_root/logs/$1.log"
  printf '# %s, %s\n' "$steps_prefix" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$steps_log_file"
}

step() { # step "WHAT" CMD ARGS...: one line on stderr; CMD's output goes to the log
  local what=$1 start=$SECONDS status=0
  shift
  printf '\n$ %s\n' "$*" >>"$steps_log_file"
  "$@" >>"$steps_log_file" 2>&1 || status=$?
  local took=$((SECONDS - start))
  if [ "$status" -eq 0 ]; then
    printf '%s: %s (%ss)\n' "$steps_prefix" "$what" "$took" >&2
    return 0
  fi
  printf '%s: %s FAILED after %ss (exit %s); the end of its log:\n' \
    "$steps_prefix" "$what" "$took" "$status" >&2
  tail -n "${STEPS_LOG_TAIL:-25}" "$steps_log_file" | sed 's/^/  | /' >&2
  printf '%s: the whole log: %s\n' "$steps_prefix" "$steps_log_file" >&2
  return "$status"
}
