/**
 * The time now as a Vue ref, advanced every `everyMs` while the component is mounted: relative
 * times ("12 s ago") tick and deadlines ("removed at 14:05 unless...") come into view by themselves.
 */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

export function useNow(everyMs: number): Ref<number> {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => {
    timer = setInterval(() => (now.value = Date.now()), everyMs);
  });
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
