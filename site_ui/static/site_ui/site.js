// The navigation drawer is viewflow's <vf-page>: its top bar button opens the drawer. Here: the
// drawer's own close button, and Escape, which closes it wherever the focus is.
function siteCloseMenu() {
  const page = document.querySelector("vf-page");
  if (page && page.open) page.open = false;
}
document.addEventListener("click", (event) => {
  if (event.target.closest(".site-menu-close")) siteCloseMenu();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && document.querySelector(".mdc-drawer--modal.mdc-drawer--open")) siteCloseMenu();
});
