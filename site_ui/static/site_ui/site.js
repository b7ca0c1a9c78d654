// The navigation drawer is viewflow's <vf-page>: its top bar button opens the drawer. Here: the
// drawer's own close button, and Escape, which closes it wherever the focus is.
function siteCloseMenu() {
  const page = document.querySelector("vf-page");
  const drawer = document.querySelector(".vf-page__menu");
  if (!page) return;
  if (drawer && drawer.classList.contains("mdc-drawer--animate")) {
    // Still sliding open: MDC ignores a close until the opening is over, so close right after it
    // (or after its 250 ms slide, should the browser skip the transition's end event).
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      drawer.classList.remove("mdc-drawer--animate", "mdc-drawer--opening");
      page.open = false;
    };
    drawer.addEventListener("MDCDrawer:opened", finish, { once: true });
    setTimeout(finish, 400);
    return;
  }
  if (page.open) page.open = false;
}
document.addEventListener("click", (event) => {
  if (event.target.closest(".site-menu-close")) siteCloseMenu();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && document.querySelector(".mdc-drawer--modal.mdc-drawer--open")) siteCloseMenu();
});
