# Test images built from busybox-static, pushed to the local registry and pinned by digest.
# Each folder test/fixtures/images/<name>/ with a Dockerfile becomes
# 127.0.0.1:5000/rigshare-test/<name>@sha256:…; the build context holds busybox next to the folder's files.

IMAGE_NAMESPACE=rigshare-test
# Bump to force a rebuild of every image when the way images are built changes.
IMAGE_RECIPE_VERSION=1

busybox_binary() {
  local candidate
  for candidate in /bin/busybox /usr/bin/busybox; do
    [[ -x $candidate ]] && { printf '%s\n' "$candidate"; return; }
  done
  die "busybox not found; install the busybox-static package."
}

# A hash of everything that goes into an image: the folder's files (names and bytes), busybox and
# the recipe version. Unchanged hash means an unchanged image.
image_content_hash() {
  local folder=$1 busybox=$2
  {
    echo "recipe $IMAGE_RECIPE_VERSION"
    sha256sum "$busybox" | cut -d' ' -f1
    (cd "$folder" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
  } | sha256sum | cut -d' ' -f1
}

manifest_resolves() {
  local name=$1 digest=$2
  curl -fsS --max-time 5 -o /dev/null -I \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$REGISTRY_ADDR/v2/$IMAGE_NAMESPACE/$name/manifests/$digest" 2>/dev/null
}

# Builds, pushes and prints the pinned reference of one image.
build_and_push_image() {
  local name=$1 folder=$2 busybox=$3 hash=$4
  local repo=$REGISTRY_ADDR/$IMAGE_NAMESPACE/$name context logfile=$STATE_DIR/images/$name.build.log digest
  context=$(mktemp -d)
  cp -a "$folder/." "$context/"
  cp "$busybox" "$context/busybox"
  # The legacy builder works with dockerd 20.10 and needs no buildx plugin.
  if ! DOCKER_BUILDKIT=0 docker build --label org.rigshare.test-image="$name" --label org.rigshare.content-hash="$hash" \
    -t "$repo:latest" "$context" >"$logfile" 2>&1; then
    rm -rf "$context"
    log_tail "$logfile"
    die "building test image $name from $folder failed (log: $logfile)."
  fi
  rm -rf "$context"
  if ! docker push "$repo:latest" >>"$logfile" 2>&1; then
    log_tail "$logfile"
    die "pushing $repo:latest failed (log: $logfile)."
  fi
  digest=$(grep -oE 'digest: sha256:[0-9a-f]{64}' "$logfile" | tail -n1 | cut -d' ' -f2)
  if [[ -z $digest ]]; then
    digest=$(docker inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$repo:latest" |
      grep -F "$repo@" | head -n1 | cut -d@ -f2)
  fi
  [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || die "could not read the digest of $repo after the push (log: $logfile)."
  printf '%s@%s\n' "$repo" "$digest"
}

# Builds every image folder that changed, and writes the name → pinned reference map to $1.
ensure_images() {
  local out=$1 images_dir=$REPO_ROOT/test/fixtures/images busybox folder name hash ref cache digest how
  busybox=$(busybox_binary)
  mkdir -p "$STATE_DIR/images"
  local entries=() built=0 cached=0
  for folder in "$images_dir"/*/; do
    [[ -f $folder/Dockerfile ]] || continue
    folder=${folder%/}
    name=$(basename "$folder")
    [[ $name =~ ^[a-z0-9][a-z0-9._-]*$ ]] || die "image folder name '$name' is not a valid repository name (use lowercase letters, digits, . _ -)."
    hash=$(image_content_hash "$folder" "$busybox")
    cache=$STATE_DIR/images/$name.$hash
    ref=""
    if [[ -f $cache ]]; then
      ref=$(<"$cache")
      digest=${ref##*@}
      manifest_resolves "$name" "$digest" || ref=""
    fi
    if [[ -n $ref ]]; then
      how=cached
      cached=$((cached + 1))
    else
      ref=$(build_and_push_image "$name" "$folder" "$busybox" "$hash")
      printf '%s\n' "$ref" >"$cache"
      how=built
      built=$((built + 1))
    fi
    report image "$name $ref ($how)"
    entries+=("$(json_str "$name"): $(json_str "$ref")")
  done
  ((${#entries[@]} > 0)) || die "no image folders with a Dockerfile under $images_dir."
  {
    printf '{\n'
    local i last=$((${#entries[@]} - 1))
    for i in "${!entries[@]}"; do
      printf '  %s%s\n' "${entries[$i]}" "$([[ $i -lt $last ]] && echo ,)"
    done
    printf '}\n'
  } >"$out.tmp"
  mv "$out.tmp" "$out"
}
