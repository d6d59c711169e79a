export type DatasetLayout = 'kaggle-all-data-info' | 'kaggle-train-info' | 'labels-csv' | 'folder-per-artist';

/** One labelled file as a layout describes it, before the file itself is looked at. */
export interface RawEntry {
  relPath: string;
  artist: string;
  artistName: string;
  title?: string;
  year?: string;
  style?: string;
}

export interface LayoutRead {
  entries: RawEntry[];
  /** Rows rejected before any file was read (bad paths, missing labels). */
  rejected: { relPath: string; reason: string }[];
}
