# cmake --install: the executable, the core library, the bundled plugins, the headers a plugin
# needs and a CMake package, so out-of-tree plugins build with find_package(tunelab).
include(CMakePackageConfigHelpers)

# The reference backend is the oracle the plugin test kit compares backends with.
set_target_properties(tunelab_backend_reference PROPERTIES EXPORT_NAME backend_reference)
install(TARGETS tunelab_core tunelab_search tunelab_backend_reference EXPORT tunelabTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tunelab)
install(TARGETS tunelab RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS tunelab_layers ${TUNELAB_BUNDLED_PLUGINS} LIBRARY DESTINATION ${TUNELAB_PLUGIN_INSTALL_DIR})
install(DIRECTORY core/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tunelab/core
  FILES_MATCHING PATTERN "*.h" PATTERN "layers" EXCLUDE)
install(FILES search/SearchSpace.h search/Strategy.h search/StrategyRegistry.h search/Pruner.h
  search/PrunerRegistry.h search/Enumerate.h
  search/Halton.h search/PointSampler.h search/RngState.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tunelab/search)
install(FILES plugins/PluginApi.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tunelab/plugins)
install(FILES backends/reference/ReferenceBackend.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tunelab/backends/reference)
install(FILES ${PROJECT_BINARY_DIR}/include/core/Version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tunelab/core)

install(EXPORT tunelabTargets NAMESPACE tunelab:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tunelab)

# The plugin test kit (tunelab::testing, find_package(tunelab COMPONENTS testing)): its object
# files, headers and targets, apart, since they need GoogleTest.
if(TARGET tunelab_testing)
  install(TARGETS tunelab_testing EXPORT tunelabTestingTargets
    OBJECTS DESTINATION ${CMAKE_INSTALL_LIBDIR}/tunelab/testing
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tunelab)
  install(DIRECTORY plugins/testing/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tunelab/plugins/testing
    FILES_MATCHING PATTERN "*.h")
  install(EXPORT tunelabTestingTargets NAMESPACE tunelab::
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tunelab)
endif()
configure_package_config_file(cmake/tunelabConfig.cmake.in
  ${PROJECT_BINARY_DIR}/tunelabConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tunelab)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tunelabConfigVersion.cmake
  COMPATIBILITY ExactVersion)
install(FILES ${PROJECT_BINARY_DIR}/tunelabConfig.cmake
  ${PROJECT_BINARY_DIR}/tunelabConfigVersion.cmake cmake/TunelabPlugin.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tunelab)
