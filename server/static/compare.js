/* careerkg /compare: small conveniences on a page that works without JavaScript.
 * The swap button exchanges roles A and B and compares again.
 */
(function () {
  "use strict";

  var form = document.getElementById("compare-form");
  var swap = document.getElementById("swap-roles");
  var a = document.getElementById("role-a");
  var b = document.getElementById("role-b");
  if (!form || !swap || !a || !b) {
    return;
  }
  swap.hidden = false;
  swap.addEventListener("click", function () {
    var value = a.value;
    a.value = b.value;
    b.value = value;
    if (a.value && b.value) {
      form.submit();
    }
  });
}());
