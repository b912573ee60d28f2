/** Selection in a Float64Array without sorting it (frequent items' reductions). */

function median3(x: number, y: number, z: number): number {
  return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
}

/**
 * The value of rank r (0-based, ascending) among a[0..n) (no NaN), reordering a: Hoare's
 * selection with Wirth's partition and a median-of-three pivot. Equal values split evenly
 * between the sides, so the many equal counts of a high-cardinality stream cost O(n).
 */
export function selectRank(a: Float64Array, n: number, r: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = median3(a[lo] as number, a[(lo + hi) >>> 1] as number, a[hi] as number);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i++] = a[j] as number;
        a[j--] = t;
      }
    }
    // Now a[lo..j] <= pivot, a[i..hi] >= pivot, and a[j+1..i-1] (if any) equal the pivot.
    if (r <= j) hi = j;
    else if (r >= i) lo = i;
    else return pivot;
  }
  return a[r] as number;
}
