# tunelab_add_plugin(NAME SOURCES...): builds a plugin module tunelab can load.
#
# The module links tunelab::core and tunelab::search (never a second copy of them), has no undefined symbols
# (a missing one is a link error, not a crash at load), exports only tunelab_plugin_info
# (-fvisibility=hidden), and lands in TUNELAB_PLUGIN_OUTPUT_DIR when that is set.
function(tunelab_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE tunelab::core tunelab::search)
  set_target_properties(${name} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    CXX_STANDARD 20
    CXX_STANDARD_REQUIRED ON
    PREFIX "lib")
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
  if(DEFINED TUNELAB_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${TUNELAB_PLUGIN_OUTPUT_DIR})
  endif()
endfunction()
