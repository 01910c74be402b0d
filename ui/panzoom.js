// Pan and zoom of a canvas view, shared by the map and the network: drag to pan, the wheel to
// zoom at the pointer, arrow keys to pan, +/- to zoom, 0 to fit; a pointer that did not move is
// a click. `view` is {s, tx, ty, fitS}: screen = world * s + t; zoom stays within
// [fitS * min, fitS * max].
export function panZoom(canvas, view, { draw, fit, min = 0.2, max = 400, hover, click, leave }) {
  let drag = null;
  const local = (ev) => { const r = canvas.getBoundingClientRect(); return [ev.clientX - r.left, ev.clientY - r.top]; };
  const zoomAt = (x, y, k) => {
    const s2 = Math.max(view.fitS * min, Math.min(view.fitS * max, view.s * k));
    view.tx = x - (x - view.tx) * (s2 / view.s);
    view.ty = y - (y - view.ty) * (s2 / view.s);
    view.s = s2;
    draw();
  };
  canvas.addEventListener('pointerdown', (ev) => {
    const [x, y] = local(ev);
    drag = { x, y, tx: view.tx, ty: view.ty, moved: false };
    canvas.setPointerCapture(ev.pointerId);
  });
  canvas.addEventListener('pointermove', (ev) => {
    const [x, y] = local(ev);
    if (drag) {
      if (Math.hypot(x - drag.x, y - drag.y) > 4) drag.moved = true;
      if (drag.moved) { canvas.classList.add('dragging'); view.tx = drag.tx + x - drag.x; view.ty = drag.ty + y - drag.y; draw(); }
      return;
    }
    if (hover) hover(x, y);
  });
  canvas.addEventListener('pointerleave', () => { if (!drag && leave) leave(); });
  canvas.addEventListener('pointerup', (ev) => {
    const d = drag;
    drag = null;
    canvas.classList.remove('dragging');
    if (d && !d.moved && click) { const [x, y] = local(ev); click(x, y); }
  });
  canvas.addEventListener('wheel', (ev) => { ev.preventDefault(); const [x, y] = local(ev); zoomAt(x, y, Math.exp(-ev.deltaY * 0.0015)); }, { passive: false });
  canvas.addEventListener('keydown', (ev) => {
    const w = canvas.clientWidth, hh = canvas.clientHeight;
    const moves = { ArrowLeft: [60, 0], ArrowRight: [-60, 0], ArrowUp: [0, 60], ArrowDown: [0, -60] };
    if (moves[ev.key]) { view.tx += moves[ev.key][0]; view.ty += moves[ev.key][1]; draw(); }
    else if (ev.key === '+' || ev.key === '=') zoomAt(w / 2, hh / 2, 1.3);
    else if (ev.key === '-' || ev.key === '_') zoomAt(w / 2, hh / 2, 1 / 1.3);
    else if (ev.key === '0') { fit(); draw(); }
    else return;
    ev.preventDefault();
  });
  return { zoomAt };
}
