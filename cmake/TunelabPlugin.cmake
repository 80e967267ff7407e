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
  # Under clang's sanitizers (the fuzz preset) the runtime is linked into the executable only,
  # so a module leaves its symbols (__asan_*, __sancov_*) to the process that loads it.
  if(NOT TUNELAB_FUZZ)
    target_link_options(${name} PRIVATE -Wl,--no-undefined)
  endif()
  if(DEFINED TUNELAB_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${TUNELAB_PLUGIN_OUTPUT_DIR})
  endif()
endfunction()

# tunelab_add_plugin_test(NAME SOURCES...): a test executable for a plugin's code, linked with
# tunelab::testing (the suites a plugin instantiates: BackendConformance, BackendThreads,
# LayerGradientCheck, StrategyContract, PrunerContract) and GoogleTest's main; ctest runs each
# of its tests. SOURCES are the tests and the plugin's code (not its Plugin.cpp).
function(tunelab_add_plugin_test name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE tunelab::testing GTest::gtest_main)
  set_target_properties(${name} PROPERTIES CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON)
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
endfunction()
