# cmake --install: the executable, the core library, the bundled plugins, the headers a plugin
# needs and a CMake package, so out-of-tree plugins build with find_package(tunelab).
include(CMakePackageConfigHelpers)

install(TARGETS tunelab_core tunelab_search EXPORT tunelabTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tunelab)
install(TARGETS tunelab_backend_reference LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS tunelab RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS tunelab_layers ${TUNELAB_BUNDLED_PLUGINS} LIBRARY DESTINATION ${TUNELAB_PLUGIN_INSTALL_DIR})
install(DIRECTORY core/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tunelab/core
  FILES_MATCHING PATTERN "*.h" PATTERN "layers" EXCLUDE)
install(FILES search/SearchSpace.h search/Strategy.h search/StrategyRegistry.h search/Pruner.h
  search/PrunerRegistry.h search/Enumerate.h
  search/Halton.h search/PointSampler.h search/RngState.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tunelab/search)
install(FILES plugins/PluginApi.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tunelab/plugins)
install(FILES ${PROJECT_BINARY_DIR}/include/core/Version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tunelab/core)

install(EXPORT tunelabTargets NAMESPACE tunelab:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tunelab)
configure_package_config_file(cmake/tunelabConfig.cmake.in
  ${PROJECT_BINARY_DIR}/tunelabConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tunelab)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tunelabConfigVersion.cmake
  COMPATIBILITY ExactVersion)
install(FILES ${PROJECT_BINARY_DIR}/tunelabConfig.cmake
  ${PROJECT_BINARY_DIR}/tunelabConfigVersion.cmake cmake/TunelabPlugin.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tunelab)
