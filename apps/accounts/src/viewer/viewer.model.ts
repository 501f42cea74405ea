import type { Caller } from '@crm/auth';

/** A Viewer is the verified caller itself: nothing is stored. */
export type ViewerOf = Caller;
