from tongcheng.lib.addresses import building_of


def test_it_takes_the_building_number_when_there_is_one() -> None:
    assert building_of("建设路12号3号楼2单元403室") == "建设路12号3号楼"
    assert building_of("太行小区5栋1单元") == "太行小区5栋"


def test_it_takes_the_house_number_otherwise() -> None:
    assert building_of("英雄路7号") == "英雄路7号"
    assert building_of(" 东街街道和平社区太行街33号院内 ") == "东街街道和平社区太行街33号院"


def test_it_keeps_an_address_without_numbers_whole() -> None:
    assert building_of("城南菜市场") == "城南菜市场"
    assert building_of("") == ""
