// Generates large, realistic multi-stage Dockerfiles for the parse bench:
// global ARGs, platform-pinned stages, cache mounts, heredocs, continued
// RUN lines, COPY --from chains and image config. Deterministic.

/** Returns a Dockerfile of at least `minLines` lines; `seed` varies it. */
export function generateDockerfile(minLines: number, seed = 1): string {
  const lines = [
    '# syntax=docker/dockerfile:1',
    '# check=skip=SecretsUsedInArgOrEnv',
    'ARG BASE=alpine:3.19',
    'ARG VERSION=1.2.3',
    'ARG REGISTRY=docker.io',
  ];
  let stage = 0;
  while (lines.length < minLines) {
    lines.push(...stageLines(stage, seed));
    stage++;
  }
  lines.push(
    '',
    `FROM \${BASE} AS final`,
    ...Array.from(
      { length: stage },
      (_, i) => `COPY --from=build-${i} /out/app-${i} /usr/local/bin/`,
    ),
    'USER 1000:1000',
    'ENTRYPOINT ["/usr/local/bin/app-0"]',
    'CMD ["--help"]',
  );
  return lines.join('\n') + '\n';
}

function stageLines(i: number, seed: number): string[] {
  const n = (i * 7 + seed) % 5;
  return [
    '',
    `# deps-${i} fetches the modules of component ${i}`,
    `FROM --platform=$BUILDPLATFORM \${BASE} AS deps-${i}`,
    `WORKDIR /src/component-${i}`,
    `ENV GOPATH=/go PATH=/go/bin:$PATH COMPONENT=${i} CGO_ENABLED=0`,
    `COPY --chown=1000:1000 component-${i}/go.mod component-${i}/go.sum ./`,
    `RUN --mount=type=cache,target=/go/pkg/mod,id=mod-${n} \\`,
    '    --mount=type=cache,target=/root/.cache/go-build \\',
    '    apk add --no-cache git make ca-certificates && \\',
    `    go mod download -x && echo "deps ${i} ready"`,
    '',
    `FROM deps-${i} AS build-${i}`,
    'ARG TARGETOS TARGETARCH VERSION',
    `LABEL org.opencontainers.image.version=$VERSION component="${i}"`,
    `COPY component-${i}/ ./`,
    'RUN <<EOF',
    'set -eu',
    `echo "building component ${i} for $TARGETOS/$TARGETARCH"`,
    `GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app-${i} ./cmd/app`,
    'EOF',
    `COPY --link <<-"CONF" /etc/app-${i}.conf`,
    `\tname = "component-${i}"`,
    `\tlevel = ${n}`,
    '\tCONF',
    `RUN ["/bin/sh", "-c", "test -x /out/app-${i}"]`,
    `EXPOSE ${8000 + i}/tcp`,
    `HEALTHCHECK --interval=30s --timeout=3s CMD ["/out/app-${i}", "health"]`,
  ];
}
