/* yiwang city operations: the console's live lookups and the maps (vendored Leaflet, no
 * tiles). Progressive enhancement: every form works without this file. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function fill(list, rows, render, empty) {
    list.replaceChildren();
    if (!rows.length) {
      list.appendChild(el("li", { "class": "wb-muted" }, empty));
      return;
    }
    rows.forEach(function (row) { list.appendChild(render(row)); });
  }

  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var T = {
    none: { en: "None.", zh: "无。" },
    answer: { en: "Answer with this", zh: "以此答复" }
  };

  function eventRow(row) {
    var li = el("li", { "data-event": row.number });
    li.appendChild(el("strong", {}, row.number));
    li.appendChild(document.createTextNode(" · " + row.status + " · " + row.category));
    if (row.address) { li.appendChild(el("p", {}, row.address)); }
    li.appendChild(el("p", { "class": "wb-note" }, row.description));
    return li;
  }

  // ---------------------------------------------------------------- the console
  var form = document.getElementById("console-form");
  if (form) {
    var phone = form.querySelector("[name=phone]");
    var lat = form.querySelector("[name=latitude]");
    var lon = form.querySelector("[name=longitude]");
    var category = form.querySelector("[name=category]");
    var kbQuery = form.querySelector("[data-kb-query]");
    var callerList = form.querySelector("[data-caller-results]");
    var nearbyList = form.querySelector("[data-nearby-results]");
    var kbList = form.querySelector("[data-kb-results]");

    var caller = debounce(function () {
      if (phone.value.trim().length < 5) { return; }
      getJSON(form.dataset.callerUrl + "?phone=" + encodeURIComponent(phone.value.trim()))
        .then(function (data) { fill(callerList, data.results, eventRow, T.none[lang]); });
    }, 300);
    phone.addEventListener("input", caller);

    var nearby = debounce(function () {
      if (!lat.value || !lon.value) { return; }
      var url = form.dataset.nearbyUrl + "?lat=" + encodeURIComponent(lat.value) + "&lon=" +
        encodeURIComponent(lon.value) + "&category=" + encodeURIComponent(category.value);
      getJSON(url).then(function (data) { fill(nearbyList, data.results, eventRow, T.none[lang]); });
    }, 300);
    [lat, lon, category].forEach(function (input) {
      input.addEventListener("input", nearby);
      input.addEventListener("change", nearby);
    });

    var kb = debounce(function () {
      var url = form.dataset.articlesUrl + "?q=" + encodeURIComponent(kbQuery.value) +
        "&category=" + encodeURIComponent(category.value);
      getJSON(url).then(function (data) {
        fill(kbList, data.results, function (row) {
          var li = el("li", { "data-article": row.id });
          li.appendChild(el("strong", {}, row.title));
          li.appendChild(el("p", { "class": "city-kb__body" }, row.body));
          var button = el("button", { type: "submit", name: "article", value: row.id, "class": "wb-claim" }, T.answer[lang]);
          button.appendChild(el("span", { "class": "visually-hidden" }, " " + row.title));
          li.appendChild(button);
          return li;
        }, T.none[lang]);
      });
    }, 300);
    kbQuery.addEventListener("input", kb);
    kbQuery.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); kb(); } });
  }

  // ----------------------------------------------------------------------- maps
  if (typeof window.L === "undefined") { return; }
  var L = window.L;
  var JINAN = [36.65, 117.0];

  function baseMap(node) {
    var map = L.map(node, { zoomControl: true, attributionControl: false }).setView(JINAN, 9);
    getJSON(node.dataset.districtsUrl).then(function (geo) {
      if (!geo || !geo.features || !geo.features.length) { return; }
      var layer = L.geoJSON(geo, {
        style: { color: "#0b4a8f", weight: 1.2, fillColor: "#ffffff", fillOpacity: 0.6 },
        onEachFeature: function (f, l) {
          var p = f.properties || {};
          l.bindTooltip((lang === "en" && p.name_en) || p.name_zh || p.code, { sticky: true });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
    });
    return map;
  }

  document.querySelectorAll("[data-pick-map]").forEach(function (node) {
    var owner = node.closest("form");
    var latInput = owner.querySelector("[name=latitude]");
    var lonInput = owner.querySelector("[name=longitude]");
    var map = baseMap(node);
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else {
        marker = L.circleMarker(latlng, { radius: 7, color: "#b3151b", fillOpacity: 0.9 }).addTo(map);
      }
    }
    if (latInput.value && lonInput.value) { place([+latInput.value, +lonInput.value]); }
    map.on("click", function (e) {
      latInput.value = e.latlng.lat.toFixed(6);
      lonInput.value = e.latlng.lng.toFixed(6);
      place(e.latlng);
      latInput.dispatchEvent(new Event("change"));
    });
  });

  document.querySelectorAll("[data-events-map]").forEach(function (node) {
    var map = baseMap(node);
    var markers = L.layerGroup().addTo(map);
    var status = document.querySelector("[data-map-status]");
    var select = document.getElementById("map-category");
    function load() {
      var url = node.dataset.eventsUrl + "?category=" + encodeURIComponent(select ? select.value : "");
      getJSON(url).then(function (data) {
        markers.clearLayers();
        (data.events || []).forEach(function (e) {
          var icon = L.divIcon({ className: "", html: "", iconSize: [14, 14] });
          var m = L.marker([e.lat, e.lon], { icon: icon, title: e.number + " " + e.name, keyboard: true });
          m.on("add", function () {
            var dom = m.getElement();
            if (dom) { dom.className += " city-marker city-marker--" + e.light; dom.setAttribute("data-event", e.number); }
          });
          m.bindPopup(function () {
            var box = el("div");
            var a = el("a", { href: node.dataset.eventUrl.replace("NUMBER", encodeURIComponent(e.number)) }, e.number);
            box.appendChild(a);
            box.appendChild(el("p", {}, e.name));
            return box;
          });
          markers.addLayer(m);
        });
        if (status) { status.textContent = (data.events || []).length + ""; }
      });
    }
    load();
    setInterval(load, 60000);
    var filter = document.querySelector("[data-map-filter]");
    if (filter && select) {
      filter.addEventListener("submit", function (e) { e.preventDefault(); load(); });
    }
  });
})();
