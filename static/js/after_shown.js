// Alpine shows an x-show element on the next animation frame (on a timer while the tab is hidden),
// while $nextTick callbacks run on a timer, which on a busy machine can fire first: a field focused
// from $nextTick may still be hidden then, and a hidden element refuses the focus. afterShown runs
// its callback on the clock Alpine shows with, queued after Alpine's (from a timer that starts once
// Alpine has applied the change), so what was just shown is on screen when the callback runs.
window.afterShown = function afterShown(callback) {
  setTimeout(() => {
    const nextFrame = document.visibilityState === "visible" ? requestAnimationFrame : setTimeout;
    nextFrame(callback);
  });
};
