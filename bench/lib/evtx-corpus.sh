# Sourced by bench/evtx.sh and bench/sigma.sh: both time tools on the same EVTX corpus.
# build_evtx_corpus SET DIR TARGET_MB SHARED_DATA_DIR — the list of shared EVTX files, repeated
# whole (each copy stays a valid EVTX) until TARGET_MB is reached, under DIR/copyK/. Rebuilt only
# when the list or the copy count changes (DIR.stamp). Leaves the source files in `list` and the
# number of copies in `copies` for the caller.
# SET=all: every shared file — many small re-exported attack samples, so per-file cost counts;
# SET=dense: only the parser edge-case files, whole 1-2 MB logs full of records, like real evidence.
build_evtx_corpus() {
  local set="$1" corpus="$2" target_mb="$3" shared="$4" sources list_bytes stamp k f rel
  case "$set" in
    all) sources=("$shared/evtx" "$shared/sigma/regression_data") ;;
    dense) sources=("$shared/evtx/parser-edge-cases") ;;
    *) echo "bench: the corpus set must be all or dense, not '$set'"; return 2 ;;
  esac
  mapfile -t list < <(find "${sources[@]}" -name '*.evtx' -type f | LC_ALL=C sort)
  [ "${#list[@]}" -gt 0 ] || { echo "bench: no .evtx files under $shared"; return 1; }
  list_bytes=$(stat -c %s "${list[@]}" | awk '{s+=$1} END {print s}')
  copies=$(( (target_mb * 1000000 + list_bytes - 1) / list_bytes ))
  stamp="${#list[@]} files, $list_bytes bytes, $copies copies"
  if [ "$(cat "$corpus.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "building corpus: $stamp -> $corpus"
    rm -rf "$corpus"
    for ((k = 1; k <= copies; k++)); do
      for f in "${list[@]}"; do
        rel="${f#"$shared"/}"
        mkdir -p "$corpus/copy$k/$(dirname "$rel")"
        cp "$f" "$corpus/copy$k/$rel"
      done
    done
    echo "$stamp" > "$corpus.stamp"
  fi
}
