// Pieces the table views share.

// A client-side filter box over a table body: hides the rows whose text does not contain every
// word typed. Returns { apply() } to re-run it after the rows change.
export function quickFilter(input, tbody) {
  function apply() {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const tr of tbody.rows) {
      const text = tr.textContent.toLowerCase();
      tr.hidden = !words.every((w) => text.includes(w));
      if (tr.hidden) tr.classList.remove('sel');
    }
  }
  input.addEventListener('input', apply);
  return { apply };
}

// A button that asks for a second click within a few seconds before doing something destructive
// (no window.confirm: it blocks, and the keyboard user loses their place).
export function confirmClick(button, label, fn) {
  if (button.dataset.armed === '1') {
    delete button.dataset.armed;
    clearTimeout(Number(button.dataset.timer));
    button.textContent = button.dataset.label;
    fn();
    return;
  }
  button.dataset.armed = '1';
  button.dataset.label = button.textContent;
  button.textContent = label;
  button.classList.add('armed');
  button.dataset.timer = String(setTimeout(() => {
    delete button.dataset.armed;
    button.classList.remove('armed');
    button.textContent = button.dataset.label;
  }, 4000));
}

// The elements under root that have an id, by id: views keep these references, so work that
// finishes after the user left the view writes into detached elements instead of failing.
export function ids(root) {
  const out = {};
  for (const e of root.querySelectorAll('[id]')) out[e.id] = e;
  return out;
}
