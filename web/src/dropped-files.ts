// Files a user dropped on the page or picked with a file input, read with
// their paths: folders through DataTransferItem.webkitGetAsEntry or a
// directory input's webkitRelativePath.

/** One file with its path as dropped, e.g. `layout/blobs/sha256/ab…`. */
export interface DroppedFile {
  path: string;
  data: Uint8Array;
}

/** What was dropped: the files, and the name to call it by in messages. */
export interface DroppedItems {
  /** The dropped folder's or file's name, or `N files`. */
  label: string;
  files: DroppedFile[];
  /** True when exactly one folder was dropped or picked. */
  folder: boolean;
}

/** Reads a drop's files, walking dropped folders. */
export async function readDataTransfer(
  transfer: DataTransfer,
): Promise<DroppedItems> {
  // Entries must be taken before the first await: the list empties after.
  const items = [...transfer.items].filter((i) => i.kind === 'file');
  const entries = items.map((i) => i.webkitGetAsEntry?.() ?? null);
  const loose = items.map((i) => i.getAsFile());
  const files: DroppedFile[] = [];
  const tops: string[] = [];
  let folders = 0;
  for (let i = 0; i < items.length; i++) {
    const entry = entries[i];
    if (entry?.isDirectory) {
      folders++;
      tops.push(entry.name);
      await readEntry(entry, entry.name, files);
    } else if (entry?.isFile) {
      tops.push(entry.name);
      await readEntry(entry, entry.name, files);
    } else if (loose[i]) {
      tops.push(loose[i]!.name);
      files.push(await readFile(loose[i]!, loose[i]!.name));
    }
  }
  return describe(files, tops, folders === 1 && tops.length === 1);
}

/** Reads an `<input type=file>`'s files; a directory input keeps paths. */
export async function readFileList(list: FileList): Promise<DroppedItems> {
  const files: DroppedFile[] = [];
  for (const file of list) {
    files.push(await readFile(file, file.webkitRelativePath || file.name));
  }
  const tops = [...new Set(files.map((f) => f.path.split('/')[0]!))];
  const folder = tops.length === 1 && files.some((f) => f.path.includes('/'));
  return describe(files, tops, folder);
}

/** Returns the files below one top folder with that folder cut off. */
export function insideFolder(items: DroppedItems): DroppedFile[] {
  if (!items.folder) return items.files;
  return items.files.map((f) => ({
    path: f.path.slice(f.path.indexOf('/') + 1),
    data: f.data,
  }));
}

function describe(
  files: DroppedFile[],
  tops: string[],
  folder: boolean,
): DroppedItems {
  const label = tops.length === 1 ? tops[0]! : `${tops.length} files`;
  return { label, files, folder };
}

async function readEntry(
  entry: FileSystemEntry,
  path: string,
  out: DroppedFile[],
): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push(await readFile(file, path));
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches until it returns an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) break;
    for (const child of batch) {
      await readEntry(child, `${path}/${child.name}`, out);
    }
  }
}

async function readFile(file: File, path: string): Promise<DroppedFile> {
  return { path, data: new Uint8Array(await file.arrayBuffer()) };
}
