// What the Docker adapter and its callers (chaos, the stack) say a container is.

/** A container as the experiment resolved it (never one it did not name). */
export interface ContainerRef {
  id: string;
  name: string;
}
