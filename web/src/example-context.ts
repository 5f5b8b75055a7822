// An example's folder as a build context: every file under `/examples/ID/`,
// fetched as bytes (binary ones too, such as a WebAssembly module).

import { emptyDir, putNode, type DirNode } from './v86/file-tree.ts';

/** Returns each file's URL by path, e.g. `/examples/wasi-hello/hello.wasm`. */
export type FileUrls = Record<string, () => Promise<string>>;

/** Fetches the files of example `id` into a tree rooted at its folder. */
export async function loadExampleContext(
  id: string,
  urls: FileUrls,
): Promise<DirNode> {
  const root = emptyDir();
  const folder = `/examples/${id}/`;
  const paths = Object.keys(urls).filter((p) => p.startsWith(folder));
  await Promise.all(
    paths.map(async (path) => {
      const url = await urls[path]!();
      const response = await fetch(url);
      if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
      putNode(root, path.slice(folder.length), {
        type: 'file',
        mode: 0o644,
        uid: 0,
        gid: 0,
        mtime: 0,
        data: new Uint8Array(await response.arrayBuffer()),
      });
    }),
  );
  return root;
}
